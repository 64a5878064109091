package mock

import (
	"sync"

	"github.com/vendorsuite/contracts/generated/mockcontrol"
	"github.com/vendorsuite/contracts/mock/fixtures"
	"github.com/vendorsuite/contracts/mock/vendordef"
)

// world is one complete mock state: a store per registered vendor. Vendor
// requests hold mu for reading while they run (each store locks itself
// against other requests); control operations hold it for writing, so a
// merge or replace never interleaves with a vendor write and loses it.
type world struct {
	maxUsers int
	vendors  []vendordef.Vendor
	mu       sync.RWMutex
	stores
}

// stores is a world's content by vendor name, built and checked before it
// is installed.
type stores map[string]vendordef.Store

// build checks doc completely and returns a store per vendor, or every
// problem. maxUsers caps the users of one account (organization, tenant,
// company).
func build(vendors []vendordef.Vendor, doc *fixtures.Document, maxUsers int) (stores, error) {
	out := make(stores, len(vendors))
	var problems []string
	for _, v := range vendors {
		st, more := v.Build(doc, maxUsers)
		out[v.Name] = st
		problems = append(problems, more...)
	}
	if len(problems) > 0 {
		return nil, &fixtures.RejectedError{Problems: fixtures.Capped(problems)}
	}
	return out, nil
}

func (w *world) install(s stores) { w.stores = s }

// export writes the world as a fixture document. Callers hold w.mu.
func (w *world) export() *fixtures.Document {
	doc := &fixtures.Document{}
	for _, v := range w.vendors {
		w.stores[v.Name].Export(doc)
	}
	return doc
}

func (w *world) summary() mockcontrol.StateSummary {
	var sum mockcontrol.StateSummary
	for _, v := range w.vendors {
		w.stores[v.Name].Summarize(&sum)
	}
	return sum
}

// accountOf names the fixture account a credential opens, as a reference
// ("care360.org_demo", "cl2c.tenant-demo", "r1discover.0"), or "" when it
// opens none. Recordings and the journal name accounts this way instead
// of showing secrets.
func (w *world) accountOf(c vendordef.Credential) string {
	w.mu.RLock()
	defer w.mu.RUnlock()
	st := w.stores[c.Vendor]
	if st == nil {
		return ""
	}
	if id := st.AccountOf(c); id != "" {
		return c.Vendor + "." + id
	}
	return ""
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
	s, err := build(w.vendors, doc, w.maxUsers)
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
	out := &fixtures.Document{}
	for _, v := range w.vendors {
		v.Merge(out, cur, add)
	}
	return out
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
	s, err := build(w.vendors, w.merged(add), w.maxUsers)
	if err != nil {
		return err
	}
	w.install(s)
	return nil
}
