package contracts_test

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http/httptest"
	"slices"
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

// Process 1 starts the in-process mock when some vendor has no URL and
// seeds the targets; every process then talks to the same URLs.
var _ = SynchronizedBeforeSuite(func() []byte {
	cfg, err := support.ConfigFromEnv()
	Expect(err).NotTo(HaveOccurred())
	url := ""
	if cfg.NeedsInProcess() {
		doc, err := cfg.LoadFixtures()
		Expect(err).NotTo(HaveOccurred())
		m, err := mock.New(mock.Options{Fixtures: doc})
		Expect(err).NotTo(HaveOccurred())
		srv := httptest.NewServer(m) // loopback only
		DeferCleanup(srv.Close)
		url = srv.URL
	}
	return []byte(url)
}, func(url []byte) {
	cfg, err := support.ConfigFromEnv()
	Expect(err).NotTo(HaveOccurred())
	targets, err = support.NewTargets(cfg, string(url))
	Expect(err).NotTo(HaveOccurred())
	// Each process works in its own mock session, seeded with the
	// fixtures, so parallel processes sharing one mock never see each
	// other's users; the default world is left alone.
	targets.UseSession(fmt.Sprintf("contract-p%d-%s", GinkgoParallelProcess(), randomHex(4)))
	Expect(targets.Seed()).To(Succeed())
	DeferCleanup(targets.DeleteSession)
})

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Specs labelled mutating run against a URL only with
// CONTRACT_ALLOW_MUTATIONS=true. They restore what they change; on a
// seeded target the fixtures are pushed again afterwards as well.
var _ = BeforeEach(func() {
	labels := CurrentSpecReport().Labels()
	// Scenarios decide for themselves (scenarios_test.go): in a session of
	// their own they may mutate any mock.
	if !slices.Contains(labels, support.LabelMutating) || slices.Contains(labels, labelScenario) {
		return
	}
	for _, v := range support.Vendors {
		if slices.Contains(labels, v) && !targets.Target(v).Mutations {
			Skip("mutating spec: the " + v + " target is a URL and " + support.EnvAllowMutations + " is not true")
		}
	}
	if !CurrentSpecReport().IsInOrderedContainer {
		DeferCleanup(targets.Seed)
	}
})

// reseedAfterAll is the safety net of an Ordered mutating container: call
// it first in its BeforeAll, so the fixtures are pushed again once the
// container's last spec and its own restores have run.
func reseedAfterAll() {
	DeferCleanup(targets.Seed)
}
