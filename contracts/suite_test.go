package contracts_test

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/vendorsuite/contracts/contracts/support"
	"github.com/vendorsuite/contracts/mock"
)

// targets is set once per process by SynchronizedBeforeSuite.
var targets *support.Targets

func TestContracts(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Vendor contracts")
}

// preflight is what process 1 found, handed to every process.
type preflight struct {
	InProcessURL string
	Control      map[string]bool
}

// Process 1 starts the in-process mock when some vendor has no URL, then
// probes every target once (Preflight): an unreachable or misconfigured
// target stops the run here, with one line per target, before any spec.
// Every process then talks to the same URLs.
var _ = SynchronizedBeforeSuite(func() []byte {
	cfg, err := support.ConfigFromEnv()
	failIf(err)
	pf := preflight{Control: map[string]bool{}}
	if cfg.NeedsInProcess() {
		doc, err := cfg.LoadFixtures()
		if err != nil {
			failIf(fmt.Errorf("%s: %w", support.EnvFixtures, err))
		}
		m, err := mock.New(mock.Options{Fixtures: doc})
		failIf(err)
		srv := httptest.NewServer(m) // loopback only
		DeferCleanup(srv.Close)
		pf.InProcessURL = srv.URL
	}
	t, err := support.NewTargets(cfg, pf.InProcessURL)
	failIf(err)
	selected, err := support.VendorsSelected(GinkgoLabelFilter())
	failIf(err)
	probes, err := t.Preflight(selected)
	if err != nil {
		Fail(err.Error())
	}
	lines := make([]string, len(probes))
	for i, p := range probes {
		lines[i] = p.Line
		pf.Control[p.Vendor] = t.Target(p.Vendor).Control
	}
	AddReportEntry("preflight", strings.Join(lines, "\n"))
	b, err := json.Marshal(pf)
	Expect(err).NotTo(HaveOccurred())
	return b
}, func(data []byte) {
	var pf preflight
	Expect(json.Unmarshal(data, &pf)).To(Succeed())
	cfg, err := support.ConfigFromEnv()
	failIf(err)
	targets, err = support.NewTargets(cfg, pf.InProcessURL)
	failIf(err)
	for v, c := range pf.Control {
		targets.Target(v).Control = c
	}
	// Each process works in its own mock session, seeded with the
	// fixtures, so parallel processes sharing one mock never see each
	// other's users; the default world is left alone.
	targets.UseSession(fmt.Sprintf("contract-p%d-%s", GinkgoParallelProcess(), randomHex(4)))
	Expect(targets.Seed()).To(Succeed())
	DeferCleanup(targets.DeleteSession)
})

// failIf stops the run on a configuration error with its message alone.
func failIf(err error) {
	GinkgoHelper()
	if err != nil {
		Fail("configuration: " + err.Error())
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Specs labelled mutating run against a URL only with
// CONTRACT_ALLOW_MUTATIONS=true, and those labelled irreversible only on a
// seeded target or with CONTRACT_ALLOW_IRREVERSIBLE=true. They restore
// what they change; on a seeded target the fixtures are pushed again
// afterwards as well.
var _ = BeforeEach(func() {
	labels := CurrentSpecReport().Labels()
	// Scenarios decide for themselves (scenarios_test.go): in a session of
	// their own they may mutate any mock.
	if slices.Contains(labels, labelScenario) {
		return
	}
	if why := mutationSkip(labels); why != "" {
		Skip(why)
	}
	if slices.Contains(labels, support.LabelMutating) && !CurrentSpecReport().IsInOrderedContainer {
		DeferCleanup(targets.Seed)
	}
})

// mutationSkip says why specs with these labels may not run here ("" when
// they may).
func mutationSkip(labels []string) string {
	if !slices.Contains(labels, support.LabelMutating) {
		return ""
	}
	for _, v := range support.Vendors {
		if !slices.Contains(labels, v) {
			continue
		}
		if !targets.Target(v).Mutations {
			return "mutating spec: the " + v + " target is a URL and " + support.EnvAllowMutations + " is not true"
		}
		if slices.Contains(labels, support.LabelIrreversible) && !targets.Target(v).Irreversible {
			return "irreversible spec: it changes what the " + v + " API cannot read back or clear; the target is not seeded and " +
				support.EnvAllowIrreversible + " is not true"
		}
	}
	return ""
}

// orderedSetup is an Ordered container's BeforeAll. It runs setup once,
// unless the container may not run here (mutationSkip), and makes every
// spec of the container skip with the reason when setup skipped: a Skip
// inside BeforeAll would leave the later specs with ginkgo's reasonless
// "Skip() was called in BeforeAll". Specs of a mutating container that
// may not run never reach setup, so its restores never write either.
// On a seeded target the fixtures are pushed again once the container's
// last spec and its own restores have run.
func orderedSetup(setup func()) {
	var reason string
	BeforeAll(func() {
		if reason = mutationSkip(CurrentSpecReport().Labels()); reason != "" {
			return
		}
		if slices.Contains(CurrentSpecReport().Labels(), support.LabelMutating) {
			DeferCleanup(targets.Seed)
		}
		reason = support.Try(setup)
	})
	BeforeEach(func() {
		if reason != "" {
			Skip(reason)
		}
	})
}
