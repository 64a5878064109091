// Package ptr holds the small pointer helpers the stores share for the
// optional fields of fixture documents.
package ptr

// To returns a pointer to a copy of v.
func To[T any](v T) *T { return &v }

// Clone copies the value behind p, so callers never share a store's
// memory; nil stays nil.
func Clone[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// Deref returns the value behind p, or the zero value for nil.
func Deref[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}

// Set points *p at v. When *p already holds v it is left as it is, so an
// update that changes nothing allocates nothing; values behind these
// pointers are never written into, so sharing the old one is safe.
func Set[T comparable](p **T, v T) {
	if *p == nil || **p != v {
		// Through To, so the copy is made only here: v itself, had its
		// address been taken, would move to the heap on every call.
		*p = To(v)
	}
}
