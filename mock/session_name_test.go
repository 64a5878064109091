package mock

import (
	"strings"
	"testing"
)

// validSessionName agrees with the documented pattern on names at its
// edges and on every single byte.
func TestValidSessionNameMatchesThePattern(t *testing.T) {
	names := []string{"", "a", "A-b_c.9", strings.Repeat("x", 64), strings.Repeat("x", 65), "a b", "a/b", "é", "a\n", "..", "-", "ab\x00"}
	for c := range 256 {
		names = append(names, string([]byte{byte(c)}), "ok"+string([]byte{byte(c)}))
	}
	for _, n := range names {
		if got, want := validSessionName(n), sessionName.MatchString(n); got != want {
			t.Errorf("validSessionName(%q) = %v, the pattern says %v", n, got, want)
		}
	}
}
