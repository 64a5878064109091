package fixturemerge

import (
	"slices"
	"strings"
	"testing"
)

type account struct {
	id    string
	keys  []string
	users []string
}

func byID(a account) (string, bool) { return a.id, a.id != "" }

func extend(into *account, from account) {
	into.keys = Union(into.keys, from.keys, Equal[string])
	into.users = append(slices.Clone(into.users), from.users...)
}

func TestByKey(t *testing.T) {
	base := []account{{id: "a", keys: []string{"k1"}, users: []string{"u1"}}, {id: "b"}}
	add := []account{
		{id: "a", keys: []string{"k1", "k2"}, users: []string{"u2"}}, // extends a
		{id: "c", users: []string{"u3"}},                             // new
		{id: "c", users: []string{"u4"}},                             // a second c: left for Build
		{users: []string{"u5"}},                                      // no key: appended
	}
	got := ByKey(base, add, byID, extend)
	want := []account{
		{id: "a", keys: []string{"k1", "k2"}, users: []string{"u1", "u2"}},
		{id: "b"},
		{id: "c", users: []string{"u3"}},
		{id: "c", users: []string{"u4"}},
		{users: []string{"u5"}},
	}
	if !slices.EqualFunc(got, want, func(x, y account) bool {
		return x.id == y.id && slices.Equal(x.keys, y.keys) && slices.Equal(x.users, y.users)
	}) {
		t.Fatalf("ByKey = %+v, want %+v", got, want)
	}
	if len(base[0].keys) != 1 || len(base[0].users) != 1 || len(base) != 2 {
		t.Fatalf("base changed: %+v", base)
	}
}

func TestUnion(t *testing.T) {
	fold := func(a, b string) bool { return strings.EqualFold(a, b) }
	have := []string{"A@x", "b@x"}
	got := Union(have, []string{"a@X", "c@x", "c@x"}, fold)
	if want := []string{"A@x", "b@x", "c@x"}; !slices.Equal(got, want) {
		t.Fatalf("Union = %v, want %v", got, want)
	}
	if len(have) != 2 {
		t.Fatalf("have changed: %v", have)
	}
}
