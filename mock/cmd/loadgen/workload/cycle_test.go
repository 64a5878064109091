package workload

import (
	"net/http"
	"testing"
)

// TestCyclesReplayWhatWorkersSend holds Cycle to Next and Done: wrk replays
// the cycle, so it must be the sequence a worker would send, advancing on
// the same answers.
func TestCyclesReplayWhatWorkersSend(t *testing.T) {
	for _, sc := range All {
		w := sc.NewWorker(3, "n")
		cy, ok := w.(Cycler)
		if !ok {
			t.Errorf("%s: worker is not a Cycler", sc.Name)
			continue
		}
		reqs, advanceOn := cy.Cycle()
		cur := 0
		for i, status := range []int{http.StatusOK, http.StatusBadRequest, http.StatusOK, http.StatusOK, http.StatusConflict} {
			if got := w.Next(); got != reqs[cur] {
				t.Fatalf("%s: request %d is not the cycle's request %d", sc.Name, i, cur)
			}
			w.Done(status)
			if advanceOn == 0 || status == advanceOn {
				cur = (cur + 1) % len(reqs)
			}
		}
	}
}
