package mock_test

import (
	"encoding/json"
	"flag"
	"math"
	"os"
	"testing"

	"github.com/vendorsuite/contracts/mock/cmd/loadgen/workload"
)

// allocBudgetFile holds the allocations per request each workload may
// make through the whole mock handler (see BenchmarkHandler).
const allocBudgetFile = "testdata/alloc-budget.json"

// allocGrowth is how far over its budget a workload may go before the
// test fails: counts move a little with Go releases, not by a fifth.
const allocGrowth = 1.20

var updateAllocBudget = flag.Bool("update-alloc-budget", false, "write the measured counts to "+allocBudgetFile)

// TestAllocationBudget fails when a workload allocates more than 20% over
// its checked-in budget per request. It counts allocations, not time, so
// a busy machine cannot fail it. When a change lowers the counts, lower
// the budget with it; when growth is deliberate, raise it in the same
// commit and say why. -update-alloc-budget writes the measured counts:
//
//	go test ./mock -run TestAllocationBudget -args -update-alloc-budget
func TestAllocationBudget(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector changes allocation counts; make alloc-budget runs this test without it")
	}
	data, err := os.ReadFile(allocBudgetFile)
	if err != nil {
		t.Fatal(err)
	}
	var budget map[string]float64
	if err := json.Unmarshal(data, &budget); err != nil {
		t.Fatalf("%s: %v", allocBudgetFile, err)
	}
	measured := map[string]float64{}
	for _, sc := range workload.All {
		t.Run(sc.Name, func(t *testing.T) {
			run := newWorkloadRun(t, sc)
			got := testing.AllocsPerRun(200, func() { run.serveOne(t) })
			measured[sc.Name] = math.Ceil(got)
			if *updateAllocBudget {
				return
			}
			want, ok := budget[sc.Name]
			if !ok {
				t.Fatalf("%s has no budget for workload %s", allocBudgetFile, sc.Name)
			}
			t.Logf("%s: %.0f allocations per request (budget %.0f)", sc.Name, got, want)
			if got > want*allocGrowth {
				t.Errorf("%s: %.0f allocations per request, more than 20%% over the budget of %.0f in %s",
					sc.Name, got, want, allocBudgetFile)
			}
		})
	}
	if *updateAllocBudget {
		out, err := json.MarshalIndent(measured, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(allocBudgetFile, append(out, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", allocBudgetFile)
	}
}
