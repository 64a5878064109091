package mock

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"

	"github.com/vendorsuite/contracts/generated/mockcontrol"
)

// TestJournalStorageReuse journals thousands of requests of mixed sizes
// through a small journal, so its ring wraps and storage chunks fill,
// empty and are reused many times over: the journal keeps the latest
// requests in order, every kept entry still shows its own headers and
// bodies, and the byte budget comes back whole.
func TestJournalStorageReuse(t *testing.T) {
	budget := &byteBudget{limit: 1 << 20}
	j := newJournal(40, 256<<10, budget)
	rng := rand.New(rand.NewPCG(3, 4))
	body := func(i int, side string) string {
		n := rng.IntN(6) * rng.IntN(1200) // mostly small, some past sharedEntry
		return fmt.Sprintf("%s-%d:", side, i) + strings.Repeat(string(rune('a'+i%26)), n)
	}
	want := map[int64][2]string{}
	for i := range 3000 {
		req, resp := body(i, "req"), body(i, "resp")
		h := http.Header{"Content-Type": {"application/json"}, "X-Request": {fmt.Sprint(i)}, "Cv-Api-Key": {"secret"}, "Accept": {"a", "b"}}
		headers, count := appendRedactedHeaders(nil, h)
		j.add(entry{view: mockcontrol.JournalEntry{Method: "POST", Path: "/p"}, headerCount: count}, headers, []byte(req), []byte(resp))
		want[int64(i+1)] = [2]string{req, resp}
		if i%97 != 0 {
			continue
		}
		got := j.entries(func(*entry) bool { return true })
		if len(got) == 0 || len(got) > 40 || got[len(got)-1].view.Seq != int64(i+1) {
			t.Fatalf("after %d requests the journal keeps %d entries, the last %d", i+1, len(got), got[len(got)-1].view.Seq)
		}
		for k, e := range got {
			if k > 0 && e.view.Seq != got[k-1].view.Seq+1 {
				t.Fatalf("entry %d follows entry %d", e.view.Seq, got[k-1].view.Seq)
			}
			w := want[e.view.Seq]
			if e.view.Body == nil || *e.view.Body != w[0] || e.view.ResponseBody == nil || *e.view.ResponseBody != w[1] {
				t.Fatalf("entry %d shows another request's bodies", e.view.Seq)
			}
			if e.view.Headers["X-Request"] != fmt.Sprint(e.view.Seq-1) || e.view.Headers["Cv-Api-Key"] != "[REDACTED]" ||
				e.view.Headers["Accept"] != "a, b" || len(e.view.Headers) != 4 {
				t.Fatalf("entry %d headers %v", e.view.Seq, e.view.Headers)
			}
		}
	}
	j.clear()
	if used := budget.Used(); used != 0 {
		t.Fatalf("%d bytes of the budget still taken after a clear", used)
	}
}
