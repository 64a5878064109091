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
