// The few V8 calls v8go does not expose: the promise rejection callback
// (for unhandledrejection and rejectionhandled), external memory
// accounting, and running the tasks V8 posts to the isolate's foreground
// queue (FinalizationRegistry callbacks, delayed GC work).
//
// v8go ships V8's headers only inside its own module directory, out of
// reach of this package's include path, so the V8 classes used here are
// declared below by hand. Each declaration matches V8 13.6 (tommie/v8go
// v0.34.0) in name, which fixes the linker symbol, and in layout, which
// fixes how values are passed. Only out-of-line V8 functions are called, so
// nothing depends on V8's inline internals. runtime/v8extra_test.go and
// the rejection tests fail if an upgrade of v8go breaks any of this.

#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>

namespace v8 {

class Context;
class Function;
class Integer;
class Isolate;
class Platform;
class Promise;
class Value;

namespace internal {
using Address = uintptr_t;
}

// Local<T> is one pointer to a handle slot (V8 builds without direct
// handles), trivially copyable, so it travels in a register.
template <class T>
class Local {
 public:
  Local() = default;
  explicit Local(internal::Address* slot) : slot_(slot) {}
  template <class S>
  Local<S> As() const {
    return Local<S>(slot_);
  }
  bool IsEmpty() const { return slot_ == nullptr; }
  // V8's API objects are addressed through their handle slot.
  T* operator->() const { return reinterpret_cast<T*>(slot_); }

 private:
  internal::Address* slot_ = nullptr;
};

template <class T>
class MaybeLocal {
 public:
  bool IsEmpty() const { return value_.IsEmpty(); }

 private:
  Local<T> value_;
};

enum PromiseRejectEvent {
  kPromiseRejectWithNoHandler = 0,
  kPromiseHandlerAddedAfterReject = 1,
  kPromiseRejectAfterResolved = 2,
  kPromiseResolveAfterResolved = 3,
};

class PromiseRejectMessage {
 public:
  Local<Promise> promise;
  PromiseRejectEvent event;
  Local<Value> value;
};

using PromiseRejectCallback = void (*)(PromiseRejectMessage message);

class Isolate {
 public:
  static Isolate* GetCurrent();
  Local<Context> GetCurrentContext();
  void SetPromiseRejectCallback(PromiseRejectCallback callback);
  bool IsExecutionTerminating();
  void Enter();
  void Exit();
  void TerminateExecution();
  int64_t AdjustAmountOfExternalAllocatedMemory(int64_t change_in_bytes);
};

class Function {
 public:
  MaybeLocal<Value> Call(Local<Context> context, Local<Value> recv, int argc,
                         Local<Value> argv[]);
};

class Integer {
 public:
  static Local<Integer> New(Isolate* isolate, int32_t value);
};

// TryCatch must live on the stack (V8 compares its address with JS
// frames); its real size is five pointers and a bit field, which the
// storage here exceeds.
class TryCatch {
 public:
  explicit TryCatch(Isolate* isolate);
  ~TryCatch();
  bool HasCaught() const;
  bool HasTerminated() const;

 private:
  alignas(8) unsigned char storage_[96];
};

// Locker, HandleScope: stack objects like TryCatch, with room to spare
// (V8's are two and three pointers). Locker's constructor is inline in
// V8's header and calls Initialize, which is what is declared here.
class Locker {
 public:
  explicit Locker(Isolate* isolate) { Initialize(isolate); }
  ~Locker();
  void Initialize(Isolate* isolate);

 private:
  alignas(8) unsigned char storage_[32];
};

class HandleScope {
 public:
  explicit HandleScope(Isolate* isolate);
  ~HandleScope();

 private:
  alignas(8) unsigned char storage_[64];
};

namespace platform {
enum class MessageLoopBehavior : bool { kDoNotWait = false, kWaitForWork = true };
bool PumpMessageLoop(Platform* platform, Isolate* isolate,
                     MessageLoopBehavior behavior);
}  // namespace platform

}  // namespace v8

// v8go's platform (isolate.cc), which V8 posts the isolate's tasks to.
extern std::unique_ptr<v8::Platform> default_platform;

namespace {

// v8go's m_value (value.h): the handler function's persistent handle is
// its last member, one pointer to a global handle slot, which serves as a
// Local for as long as the value is not released.
struct V8goValue {
  long id;
  v8::Isolate* iso;
  void* ctx;
  v8::internal::Address* slot;
};

std::mutex handlers_mu;
std::unordered_map<v8::Isolate*, v8::internal::Address*> handlers;

v8::internal::Address* handlerOf(v8::Isolate* iso) {
  std::lock_guard<std::mutex> lock(handlers_mu);
  auto it = handlers.find(iso);
  return it == handlers.end() ? nullptr : it->second;
}

// onPromiseReject hands V8's news to the JS handler as (promise, event,
// reason): a promise rejected with no handler (event 0, with its reason)
// or a handler added to a promise already rejected (event 1). The handler
// only records; the runtime fires the events after the microtask
// checkpoint. Any exception the call raises is caught, rather than left
// pending inside V8's rejection path: a stack overflow near the limit
// drops the record, and a termination (the CPU limit) caught here is asked
// for again, so that it stops the script at its next interrupt check.
void onPromiseReject(v8::PromiseRejectMessage msg) {
  if (msg.event != v8::kPromiseRejectWithNoHandler &&
      msg.event != v8::kPromiseHandlerAddedAfterReject) {
    return;
  }
  v8::Isolate* iso = v8::Isolate::GetCurrent();
  v8::internal::Address* slot = handlerOf(iso);
  if (slot == nullptr || iso->IsExecutionTerminating()) return;
  v8::Local<v8::Function> fn(slot);
  v8::Local<v8::Value> argv[3] = {
      msg.promise.As<v8::Value>(),
      v8::Integer::New(iso, msg.event).As<v8::Value>(),
      msg.value,
  };
  int argc = msg.value.IsEmpty() ? 2 : 3;
  v8::TryCatch tc(iso);
  v8::MaybeLocal<v8::Value> r =
      fn->Call(iso->GetCurrentContext(), fn.As<v8::Value>(), argc, argv);
  (void)r;
  if (tc.HasCaught() && tc.HasTerminated()) iso->TerminateExecution();
}

}  // namespace

extern "C" {

// worky_set_reject_handler makes handler (a v8go ValuePtr holding a JS
// function) the isolate's promise rejection handler; a null handler
// removes it, which must happen before the value is released.
void worky_set_reject_handler(void* iso_ptr, void* handler) {
  auto* iso = static_cast<v8::Isolate*>(iso_ptr);
  {
    std::lock_guard<std::mutex> lock(handlers_mu);
    if (handler == nullptr) {
      handlers.erase(iso);
    } else {
      handlers[iso] = static_cast<V8goValue*>(handler)->slot;
    }
  }
  iso->SetPromiseRejectCallback(handler == nullptr ? nullptr : onPromiseReject);
}

// worky_pump_tasks runs the tasks waiting in the isolate's foreground
// queue, without waiting for more, and says whether any ran. The isolate
// is locked and entered as v8go does for each of its calls.
int worky_pump_tasks(void* iso_ptr) {
  auto* iso = static_cast<v8::Isolate*>(iso_ptr);
  v8::Locker locker(iso);
  iso->Enter();
  int ran = 0;
  {
    v8::HandleScope scope(iso);
    while (ran < 64 &&
           v8::platform::PumpMessageLoop(
               default_platform.get(), iso,
               v8::platform::MessageLoopBehavior::kDoNotWait)) {
      ran++;
    }
  }
  iso->Exit();
  return ran;
}

int64_t worky_adjust_external_memory(void* iso_ptr, int64_t delta) {
  return static_cast<v8::Isolate*>(iso_ptr)
      ->AdjustAmountOfExternalAllocatedMemory(delta);
}

}  // extern "C"
