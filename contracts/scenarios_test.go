package contracts_test

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync/atomic"

	. "github.com/onsi/ginkgo/v2"

	"github.com/vendorsuite/contracts/contracts/scenario"
	"github.com/vendorsuite/contracts/contracts/scenario/ontargets"
	"github.com/vendorsuite/contracts/contracts/support"
)

// labelScenario marks the specs replayed from contracts/scenarios/.
const labelScenario = "scenario"

// scenariosDir is contracts/scenarios: next to the suite when it runs from
// its package directory (go test, ginkgo), else next to this source file.
func scenariosDir() string {
	if _, err := os.Stat("scenarios"); err == nil {
		return "scenarios"
	}
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "scenarios")
}

var scenarioSeq atomic.Int64

// Every file under contracts/scenarios/ becomes one Ordered container,
// labelled with its vendor and "scenario" (and "mutating" when a step is
// not a GET), with one spec per step: a failing step fails its spec and
// skips the rest of the file. Against a target with the control API each
// file runs in a fresh mock session of its own, deleted afterwards.
var _ = Describe("Scenarios", Label(labelScenario), func() {
	cfg, err := support.ConfigFromEnv()
	var scenarios []*scenario.Scenario
	if err == nil {
		doc, ferr := cfg.LoadFixtures()
		if err = ferr; err == nil {
			scenarios, err = scenario.LoadDir(scenariosDir(), doc)
		}
	}
	if err != nil {
		It("loads every scenario file", func() { Fail(err.Error()) })
	}
	dir := scenariosDir()
	for _, s := range scenarios {
		rel, _ := filepath.Rel(dir, s.File)
		args := []any{Ordered, Label(s.Vendor)}
		if s.Mutating() {
			args = append(args, Label(support.LabelMutating))
			// In-process every scenario has a session of its own; against a
			// URL it may have none and share the world with other specs.
			if slices.ContainsFunc(s.VendorsUsed(), func(v string) bool { return cfg.URLs[v] != "" }) {
				args = append(args, Serial)
			}
		}
		args = append(args, func() {
			var run *scenario.Run
			var skip string
			BeforeAll(func() {
				name := fmt.Sprintf("scn-p%d-%d-%s", GinkgoParallelProcess(), scenarioSeq.Add(1), randomHex(4))
				p, err := ontargets.Prepare(targets, s, name)
				if p != nil {
					DeferCleanup(p.Cleanup)
				}
				if err != nil {
					Fail(fmt.Sprintf("preparing scenario %s: %v", s.File, err))
				}
				// Each step skips with the reason itself: a Skip here would
				// leave the later steps with ginkgo's reasonless one.
				if skip = p.Skip; skip == "" {
					run = s.NewRun(p.Exchanger)
				}
			})
			BeforeEach(func() {
				if skip != "" {
					Skip(skip)
				}
			})
			for _, st := range s.Steps {
				It(st.Name, func() {
					if err := run.Step(st); err != nil {
						Fail(err.Error())
					}
				})
			}
		})
		Describe(fmt.Sprintf("%s (%s)", s.Name, rel), args...)
	}
})
