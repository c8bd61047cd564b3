// One worker, one route per way of breaking a limit; "/" answers normally,
// so a test can check the worker still serves after each.
export default {
  async fetch(request) {
    const path = new URL(request.url).pathname;
    switch (path) {
      case "/spin":
        while (true) {}
      case "/heap": {
        const hoard = [];
        while (true) hoard.push(new Array(1 << 20).fill(path));
      }
      case "/hang":
        await new Promise(() => {});
        break;
      case "/partial": {
        // The status and a first chunk go out; then the CPU limit strikes.
        const body = new ReadableStream({
          start(controller) {
            controller.enqueue(new TextEncoder().encode("partial"));
            setTimeout(() => {
              while (true) {}
            }, 50);
          },
        });
        return new Response(body);
      }
      case "/throw":
        throw new Error("secret internals: db password is hunter2");
    }
    return new Response("ok\n");
  },
};
