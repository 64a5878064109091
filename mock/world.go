package mock

import (
	"fmt"
	"sync"

	"github.com/vendorsuite/contracts/generated/mockcontrol"
	"github.com/vendorsuite/contracts/mock/care360"
	"github.com/vendorsuite/contracts/mock/cl2c"
	"github.com/vendorsuite/contracts/mock/fixtures"
	"github.com/vendorsuite/contracts/mock/r1discover"
)

// world is one complete mock state: a store per vendor. Vendor requests
// hold mu for reading while they run (each store locks itself against
// other requests); control operations hold it for writing, so a merge or
// replace never interleaves with a vendor write and loses it.
type world struct {
	maxUsers int
	mu       sync.RWMutex
	stores
}

// stores is a world's content, built and checked before it is installed.
type stores struct {
	care360 *care360.Store
	cl2c    *cl2c.Store
	r1      *r1discover.Store
}

// build checks doc completely and returns its stores, or every problem.
// maxUsers caps the users of one organization, tenant or company.
func build(doc *fixtures.Document, maxUsers int) (stores, error) {
	problems := checkSizes(doc, maxUsers)
	c, p1 := care360.Build(doc.Care360)
	l, p2 := cl2c.Build(doc.Cl2c)
	r, p3 := r1discover.Build(doc.R1discover)
	problems = append(append(append(problems, p1...), p2...), p3...)
	if len(problems) > 0 {
		return stores{}, &fixtures.RejectedError{Problems: fixtures.Capped(problems)}
	}
	return stores{care360: c, cl2c: l, r1: r}, nil
}

// checkSizes refuses organizations, tenants and companies over maxUsers.
func checkSizes(doc *fixtures.Document, maxUsers int) []string {
	var problems []string
	over := func(path string, n int) {
		if n > maxUsers {
			problems = append(problems, fmt.Sprintf("%s.users: %d users exceed the limit of %d", path, n, maxUsers))
		}
	}
	if doc.Care360 != nil {
		for i, o := range doc.Care360.Organizations {
			over(fmt.Sprintf("care360.organizations[%d]", i), len(o.Users))
		}
	}
	if doc.Cl2c != nil {
		for i, t := range doc.Cl2c.Tenants {
			over(fmt.Sprintf("cl2c.tenants[%d]", i), len(t.Users))
		}
	}
	if doc.R1discover != nil {
		for i, co := range doc.R1discover.Companies {
			over(fmt.Sprintf("r1discover.companies[%d]", i), len(co.Users))
		}
	}
	return problems
}

func (w *world) install(s stores) { w.stores = s }

// export writes the world as a fixture document. Callers hold w.mu.
func (w *world) export() *fixtures.Document {
	return &fixtures.Document{
		Care360:    w.care360.Export(),
		Cl2c:       w.cl2c.Export(),
		R1discover: w.r1.Export(),
	}
}

func (w *world) summary() mockcontrol.StateSummary {
	return mockcontrol.StateSummary{
		Care360:    w.care360.Summary(),
		Cl2c:       w.cl2c.Summary(),
		R1discover: w.r1.Summary(),
	}
}

// state exports the world under its read lock.
func (w *world) state() *fixtures.Document {
	w.mu.RLock()
	defer w.mu.RUnlock()
	return w.export()
}

// counts summarizes the world under its read lock.
func (w *world) counts() mockcontrol.StateSummary {
	w.mu.RLock()
	defer w.mu.RUnlock()
	return w.summary()
}

// replace installs doc, or changes nothing and returns every problem.
func (w *world) replace(doc *fixtures.Document) error {
	s, err := build(doc, w.maxUsers)
	if err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.install(s)
	return nil
}

// merged is the world's document with add merged into it. Callers hold
// w.mu.
func (w *world) merged(add *fixtures.Document) *fixtures.Document {
	cur := w.export()
	return &fixtures.Document{
		Care360:    care360.Merge(cur.Care360, add.Care360),
		Cl2c:       cl2c.Merge(cur.Cl2c, add.Cl2c),
		R1discover: r1discover.Merge(cur.R1discover, add.R1discover),
	}
}

// mergeProblems lists the problems across records that merging add would
// leave, without changing anything.
func (w *world) mergeProblems(add *fixtures.Document) []string {
	w.mu.RLock()
	defer w.mu.RUnlock()
	return fixtures.DomainProblems(w.merged(add))
}

// merge adds doc's content to the world, or changes nothing.
func (w *world) merge(add *fixtures.Document) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	s, err := build(w.merged(add), w.maxUsers)
	if err != nil {
		return err
	}
	w.install(s)
	return nil
}
