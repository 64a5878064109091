package mock

import (
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
	mu      sync.RWMutex
	care360 *care360.Store
	cl2c    *cl2c.Store
	r1      *r1discover.Store
}

// stores is a world's content, built and checked before it is installed.
type stores struct {
	care360 *care360.Store
	cl2c    *cl2c.Store
	r1      *r1discover.Store
}

// build checks doc completely and returns its stores, or every problem.
func build(doc *fixtures.Document) (stores, error) {
	var problems []string
	c, p1 := care360.Build(doc.Care360)
	l, p2 := cl2c.Build(doc.Cl2c)
	r, p3 := r1discover.Build(doc.R1discover)
	problems = append(append(append(problems, p1...), p2...), p3...)
	if len(problems) > 0 {
		return stores{}, &fixtures.RejectedError{Problems: problems}
	}
	return stores{care360: c, cl2c: l, r1: r}, nil
}

func (w *world) install(s stores) {
	w.care360, w.cl2c, w.r1 = s.care360, s.cl2c, s.r1
}

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
	s, err := build(doc)
	if err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.install(s)
	return nil
}

// merge adds doc's content to the world, or changes nothing.
func (w *world) merge(add *fixtures.Document) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	cur := w.export()
	merged := &fixtures.Document{
		Care360:    care360.Merge(cur.Care360, add.Care360),
		Cl2c:       cl2c.Merge(cur.Cl2c, add.Cl2c),
		R1discover: r1discover.Merge(cur.R1discover, add.R1discover),
	}
	s, err := build(merged)
	if err != nil {
		return err
	}
	w.install(s)
	return nil
}
