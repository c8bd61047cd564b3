package runtime

import "testing"

// TestISOC23Forwarders checks the forwarders that let V8 link against
// glibc 2.36 (see glibccompat.go): each must behave like the classic
// function, or V8's own parsing of numbers would go wrong.
func TestISOC23Forwarders(t *testing.T) {
	if n := isoc23SelfTest(); n != 0 {
		t.Fatalf("forwarder %d of glibccompat.go does not behave like the classic function", n)
	}
}
