package validation

import (
	"encoding"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"sync"
)

// A body the fast path accepted is decoded into the handler's struct here
// rather than by encoding/json: what the fast path accepted is simple
// (objects whose every member the schema declares once, strings without
// escapes, arrays, null), so a plan made once per struct type and schema
// fills the struct in one pass, with one allocation per string. The
// result is what encoding/json gives for the same body (the differential
// tests compare the two); a struct the plan cannot fill exactly as
// encoding/json would (an embedded field, a text unmarshaler, a member
// without a field of its name...) is left to encoding/json.

type fieldKind uint8

const (
	plainString fieldKind = iota
	stringPointer
	stringSlice
	stringSlicePointer
	nestedStruct
	structPointer
	// unmarshaler is a field whose pointer implements json.Unmarshaler
	// (nullable.Nullable): it gets the member's JSON text, as from
	// encoding/json.
	unmarshaler
)

type structPlan struct {
	fields []fieldPlan // by the node's member index
	// pointers counts the *string fields: one array backs them all.
	pointers int
}

type fieldPlan struct {
	index int
	kind  fieldKind
	typ   reflect.Type
	sub   *structPlan
	slot  int // a *string field's element of the backing array
}

type planKey struct {
	typ  reflect.Type
	node *node
}

// plans caches planFor's answers; a nil plan means encoding/json.
var plans sync.Map // planKey -> *structPlan

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

func planFor(t reflect.Type, n *node) *structPlan {
	key := planKey{t, n}
	if p, ok := plans.Load(key); ok {
		return p.(*structPlan)
	}
	p := makePlan(t, n, 0)
	plans.Store(key, p)
	return p
}

func makePlan(t reflect.Type, n *node, depth int) *structPlan {
	if t.Kind() != reflect.Struct || n.kind != objectKind || depth > 8 || unmarshals(t) {
		return nil
	}
	for i := range t.NumField() {
		if t.Field(i).Anonymous {
			// Promoted fields follow encoding/json's own rules.
			return nil
		}
	}
	p := &structPlan{fields: make([]fieldPlan, len(n.props))}
	for at, m := range n.props {
		if m.node.kind == opaque {
			// The fast path accepts no value there: the member never
			// reaches this plan.
			continue
		}
		index := fieldNamed(t, m.name)
		if index < 0 {
			return nil
		}
		ft := t.Field(index).Type
		f := fieldPlan{index: index, typ: ft}
		switch {
		case ft.Kind() != reflect.Pointer && reflect.PointerTo(ft).Implements(jsonUnmarshaler):
			f.kind = unmarshaler
		case unmarshals(ft):
			return nil
		case ft.Kind() == reflect.String && m.node.kind == stringKind:
			f.kind = plainString
		case ft == reflect.TypeFor[*string]() && m.node.kind == stringKind:
			f.kind, f.slot = stringPointer, p.pointers
			p.pointers++
		case isStringSlice(ft) && m.node.kind == arrayKind && m.node.items.kind == stringKind:
			f.kind = stringSlice
		case ft.Kind() == reflect.Pointer && isStringSlice(ft.Elem()) && m.node.kind == arrayKind && m.node.items.kind == stringKind:
			f.kind = stringSlicePointer
		case ft.Kind() == reflect.Struct:
			if f.sub = makePlan(ft, m.node, depth+1); f.sub == nil {
				return nil
			}
			f.kind = nestedStruct
		case ft.Kind() == reflect.Pointer && ft.Elem().Kind() == reflect.Struct:
			if f.sub = makePlan(ft.Elem(), m.node, depth+1); f.sub == nil {
				return nil
			}
			f.kind = structPointer
		default:
			return nil
		}
		p.fields[at] = f
	}
	return p
}

// unmarshals reports whether encoding/json would decode into t by one of
// its methods rather than by its kind.
func unmarshals(t reflect.Type) bool {
	for _, u := range []reflect.Type{jsonUnmarshaler, textUnmarshaler} {
		if t.Implements(u) || reflect.PointerTo(t).Implements(u) {
			return true
		}
	}
	return false
}

func isStringSlice(t reflect.Type) bool {
	return t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.String && !unmarshals(t.Elem())
}

// fieldNamed is the index of the exported field whose JSON name is name,
// spelled exactly so, or -1.
func fieldNamed(t reflect.Type, name string) int {
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if tag == "-" && opts == "" || strings.Contains(opts, "string") {
			continue
		}
		if tag == "" {
			tag = f.Name
		}
		if tag == name {
			return i
		}
	}
	return -1
}

var errNotAccepted = errors.New("validation: the body is not one the fast path accepted")

// decoder fills a struct from a body the fast path accepted. Its strings
// share one allocation, the arena, sized to them all: they were sent in
// one request and are kept together.
type decoder struct {
	scanner
	arena strings.Builder
}

func (d *decoder) string(b []byte) string {
	start := d.arena.Len()
	d.arena.Write(b)
	return d.arena.String()[start:]
}

// decodeObject fills v, a struct, from the object at d.i, which the
// plan's node accepted.
func (d *decoder) decodeObject(p *structPlan, n *node, v reflect.Value) error {
	s := d
	var pointers []string
	s.space()
	s.i++ // {
	s.space()
	if s.b[s.i] == '}' {
		s.i++
		return nil
	}
	for {
		s.space()
		key, ok := s.plainString()
		if !ok {
			return errNotAccepted
		}
		at := n.memberIndexBytes(key)
		if at < 0 {
			return errNotAccepted
		}
		s.space()
		s.i++ // :
		s.space()
		f := p.fields[at]
		if f.kind == stringPointer && s.b[s.i] == '"' {
			str, ok := s.plainString()
			if !ok {
				return errNotAccepted
			}
			if pointers == nil {
				pointers = make([]string, p.pointers)
			}
			pointers[f.slot] = d.string(str)
			v.Field(f.index).Set(reflect.ValueOf(&pointers[f.slot]))
		} else if err := s.decodeField(f, n.props[at].node, v.Field(f.index)); err != nil {
			return err
		}
		s.space()
		if s.b[s.i] == '}' {
			s.i++
			return nil
		}
		s.i++ // ,
	}
}

func (d *decoder) decodeField(f fieldPlan, n *node, v reflect.Value) error {
	s := d
	if f.kind == unmarshaler {
		start := s.i
		if !s.skip() {
			return errNotAccepted
		}
		return v.Addr().Interface().(json.Unmarshaler).UnmarshalJSON(s.b[start:s.i])
	}
	if s.b[s.i] == 'n' {
		s.i += len("null")
		// encoding/json clears pointers and slices and leaves the rest.
		switch f.kind {
		case stringPointer, stringSlice, stringSlicePointer, structPointer:
			v.SetZero()
		}
		return nil
	}
	switch f.kind {
	case plainString:
		str, ok := s.plainString()
		if !ok {
			return errNotAccepted
		}
		v.SetString(d.string(str))
	case stringSlice:
		return s.decodeStrings(v)
	case stringSlicePointer:
		ptr := reflect.New(f.typ.Elem())
		if err := s.decodeStrings(ptr.Elem()); err != nil {
			return err
		}
		v.Set(ptr)
	case nestedStruct:
		return s.decodeObject(f.sub, n, v)
	case structPointer:
		ptr := reflect.New(f.typ.Elem())
		if err := s.decodeObject(f.sub, n, ptr.Elem()); err != nil {
			return err
		}
		v.Set(ptr)
	}
	return nil
}

// decodeStrings fills v, a slice of strings, from the array at s.i, whose
// items are strings (a null item leaves "" as encoding/json does).
func (d *decoder) decodeStrings(v reflect.Value) error {
	s := d
	count := 0
	look := scanner{b: s.b, i: s.i + 1}
	look.space()
	if look.b[look.i] != ']' {
		for {
			look.space()
			if !look.skip() {
				return errNotAccepted
			}
			count++
			look.space()
			if look.b[look.i] == ']' {
				break
			}
			look.i++ // ,
		}
	}
	out := reflect.MakeSlice(v.Type(), count, count)
	s.i++ // [
	for i := range count {
		s.space()
		if s.b[s.i] == 'n' {
			s.i += len("null")
		} else {
			str, ok := s.plainString()
			if !ok {
				return errNotAccepted
			}
			out.Index(i).SetString(d.string(str))
		}
		s.space()
		s.i++ // , or ]
	}
	if count == 0 {
		s.space()
		s.i++ // ]
	}
	v.Set(out)
	return nil
}

// decodeFast fills into from raw, which the object node n accepted, when
// into is a pointer to a struct a plan covers; ok is false otherwise, with
// into untouched. textBytes is the length of raw's string values.
func decodeFast(n *node, raw []byte, textBytes int, into any) (ok bool, err error) {
	if n == nil || n.kind != objectKind {
		return false, nil
	}
	ptr := reflect.ValueOf(into)
	if ptr.Kind() != reflect.Pointer || ptr.IsNil() {
		return false, nil
	}
	p := planFor(ptr.Type().Elem(), n)
	if p == nil {
		return false, nil
	}
	d := &decoder{scanner: scanner{b: raw}}
	d.arena.Grow(textBytes)
	return true, d.decodeObject(p, n, ptr.Elem())
}
