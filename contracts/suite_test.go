package contracts_test

import (
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
	t, err := support.NewTargets(cfg, url)
	Expect(err).NotTo(HaveOccurred())
	Expect(t.Seed()).To(Succeed())
	return []byte(url)
}, func(url []byte) {
	cfg, err := support.ConfigFromEnv()
	Expect(err).NotTo(HaveOccurred())
	targets, err = support.NewTargets(cfg, string(url))
	Expect(err).NotTo(HaveOccurred())
})

// Specs labelled mutating run against a URL only with
// CONTRACT_ALLOW_MUTATIONS=true. They restore what they change; on a
// seeded target the fixtures are pushed again afterwards as well.
var _ = BeforeEach(func() {
	labels := CurrentSpecReport().Labels()
	if !slices.Contains(labels, support.LabelMutating) {
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
