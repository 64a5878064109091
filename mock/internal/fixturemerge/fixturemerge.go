// Package fixturemerge holds the one rule every vendor's fixture section
// follows when POST /__mock/state adds records to a world: a record naming
// an account the world already has extends it, anything else is appended.
package fixturemerge

import "slices"

// ByKey returns a copy of base with add's records in it. A record of add
// whose key a record of base has is folded into base's first such record by
// extend; any other record, and any record without a key, is appended
// whole. Only base's records are extended, so two records of add with one
// key stay apart for the vendor's Build to report as a duplicate. Neither
// base nor add is changed, provided extend copies the slices it grows.
func ByKey[T any, K comparable](base, add []T, key func(T) (K, bool), extend func(into *T, from T)) []T {
	out := slices.Clone(base)
	at := make(map[K]int, len(out))
	for i, r := range out {
		if k, ok := key(r); ok {
			if _, seen := at[k]; !seen {
				at[k] = i
			}
		}
	}
	for _, r := range add {
		if k, ok := key(r); ok {
			if i, found := at[k]; found {
				extend(&out[i], r)
				continue
			}
		}
		out = append(out, r)
	}
	return out
}

// Union returns a copy of have with the values of more that it lacks
// appended, in more's order; eq says when two values are the same.
func Union[T any](have, more []T, eq func(a, b T) bool) []T {
	out := slices.Clone(have)
	for _, v := range more {
		if !slices.ContainsFunc(out, func(x T) bool { return eq(x, v) }) {
			out = append(out, v)
		}
	}
	return out
}

// Equal is Union's eq for values compared as they are.
func Equal[T comparable](a, b T) bool { return a == b }
