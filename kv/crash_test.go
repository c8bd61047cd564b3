package kv

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// crashChildEnv, when set to a database path, turns this test binary into
// the writer that TestCrashKeepsAcknowledgedWrites kills.
const crashChildEnv = "WORKY_KV_CRASH_CHILD"

func TestMain(m *testing.M) {
	if path := os.Getenv(crashChildEnv); path != "" {
		os.Exit(crashChild(path))
	}
	os.Exit(m.Run())
}

func crashValue(key string) string {
	return "value of " + key + " " + strings.Repeat("x", len(key)*7)
}

// crashChild puts keys from 8 goroutines until it is killed, printing each
// key on its own line only after its Put returned.
func crashChild(path string) int {
	s, err := OpenSQLite(path, SQLiteOptions{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := 0; ; i++ {
				k := fmt.Sprintf("g%d-%07d", g, i)
				if err := s.Put(context.Background(), "crash", k, Entry{Value: []byte(crashValue(k))}); err != nil {
					fmt.Fprintln(os.Stderr, err)
					os.Exit(1)
				}
				mu.Lock()
				os.Stdout.WriteString(k + "\n")
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return 0
}

func TestCrashKeepsAcknowledgedWrites(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kv.db")
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), crashChildEnv+"="+path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}

	// The reader kills the writer the moment it reads the 2000th
	// acknowledgement, while later writes are in flight; a timer kills it
	// on a machine too slow to get there.
	var acked []string
	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		r := bufio.NewReader(out)
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return // a line cut short by the kill was not acknowledged
			}
			acked = append(acked, strings.TrimSuffix(line, "\n"))
			if len(acked) == 2000 {
				cmd.Process.Kill()
			}
		}
	}()
	timer := time.AfterFunc(15*time.Second, func() { cmd.Process.Kill() })
	<-readDone // EOF: the pipe closed with the process
	timer.Stop()
	cmd.Wait()
	if len(acked) < 100 {
		t.Fatalf("the writer acknowledged only %d writes before it was killed; stderr:\n%s", len(acked), stderr.String())
	}

	s := openAt(t, path, nil)
	ctx := context.Background()
	for _, k := range acked {
		e, _, err := s.Get(ctx, "crash", k, GetOptions{})
		if err != nil {
			t.Fatalf("Get(%s) after the crash: %v", k, err)
		}
		if e == nil || string(e.Value) != crashValue(k) {
			t.Fatalf("acknowledged key %s lost in the crash: read %s (%d keys acknowledged)", k, entryString(e), len(acked))
		}
	}
	keys, _ := listAll(t, s, "crash", "", 0)
	t.Logf("%d writes acknowledged before kill -9, all found; %d keys in the database", len(acked), len(keys))
}
