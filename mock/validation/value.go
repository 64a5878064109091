package validation

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/labstack/echo/v4"

	"github.com/vendorsuite/contracts/mock/problem"
)

// UnknownFieldsExtension on an operation's requestBody says what the mock
// does with a body member its schema does not declare, wrong-case
// spellings of declared fields included. Each vendor decides in its
// document, marked x-mock-inferred:
//
//   - "ignore": the member is dropped before the handler sees the body, so
//     it can never be stored;
//   - "refuse-other-case": a member spelled like a declared field in
//     another case is refused as a schema problem of that member; other
//     unknown members are dropped as with "ignore";
//   - "refuse": every undeclared member is refused.
const UnknownFieldsExtension = "x-mock-unknown-fields"

type unknownFields int

const (
	ignoreUnknown unknownFields = iota
	refuseOtherCase
	refuseUnknown
)

func unknownFieldsPolicy(body *openapi3.RequestBody) (unknownFields, error) {
	v, ok := body.Extensions[UnknownFieldsExtension]
	if !ok {
		return ignoreUnknown, nil
	}
	switch v {
	case "ignore":
		return ignoreUnknown, nil
	case "refuse-other-case":
		return refuseOtherCase, nil
	case "refuse":
		return refuseUnknown, nil
	}
	return 0, fmt.Errorf("%s: unknown value %v (ignore, refuse-other-case, refuse)", UnknownFieldsExtension, v)
}

// Decode fills into (a generated request type) from the body value the
// validator accepted. Members the schema does not declare were removed
// before, so every name that reaches encoding/json here is one the schema
// spells exactly: its case-insensitive name matching cannot pick up a
// member that validation did not check. Handlers must not read the raw
// body.
func Decode(c echo.Context, into any) error {
	rb := keptBody(c)
	if rb == nil || !rb.hasValue {
		return fmt.Errorf("validation: no validated body for this request")
	}
	v := rb.value
	if v.accepted != nil {
		if ok, err := decodeFast(v.accepted, v.raw, v.text, into); ok {
			return err
		}
	}
	b := v.raw
	if b == nil {
		var err error
		if b, err = json.Marshal(v.value); err != nil {
			return err
		}
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	return dec.Decode(into)
}

// validatedValue wraps the value so a nil body value (JSON null) is still
// told apart from no value at all. raw, when set, is the body as sent,
// which says exactly what value says: Decode then reads it rather than
// writing value out again.
type validatedValue struct {
	value any
	raw   []byte
	// tag is the value of the body's discriminator member, when its
	// schema chooses a oneOf branch by one.
	tag string
	// accepted is the compiled schema that accepted raw as sent, on the
	// fast path; Decode then fills the handler's struct by its plan.
	accepted *node
	text     int // the length of raw's string values, on the fast path
}

// Discriminator returns the value of the accepted body's discriminator
// member (Care360's action), which names the oneOf branch the body took,
// or "" when its schema has none. A handler decodes the body straight into
// that branch's type.
func Discriminator(c echo.Context) string {
	if rb := keptBody(c); rb != nil {
		return rb.value.tag
	}
	return ""
}

// discriminatorTag is the string value of the discriminator member of an
// accepted value, or "".
func discriminatorTag(s *openapi3.Schema, v any) string {
	if s == nil || s.Discriminator == nil {
		return ""
	}
	obj, _ := v.(map[string]any)
	tag, _ := obj[s.Discriminator.PropertyName].(string)
	return tag
}

// members counts the object members in a decoded JSON value.
func members(v any) int {
	n := 0
	switch x := v.(type) {
	case map[string]any:
		n += len(x)
		for _, m := range x {
			n += members(m)
		}
	case []any:
		for _, item := range x {
			n += members(item)
		}
	}
	return n
}

// rawMembers counts the object members in valid JSON text: the colons
// outside strings. A member sent twice counts twice here but once in the
// decoded value.
func rawMembers(body []byte) int {
	n, inString, escaped := 0, false, false
	for _, c := range body {
		switch {
		case escaped:
			escaped = false
		case inString && c == '\\':
			escaped = true
		case c == '"':
			inString = !inString
		case c == ':' && !inString:
			n++
		}
	}
	return n
}

// declared returns the schema's declared members for the value, resolving
// oneOf by its discriminator (or the first branch the value satisfies)
// and merging allOf branches; ok is false when the schema says nothing
// about object members. The result is shared: callers must not change it.
func declared(s *openapi3.Schema, obj map[string]any, opts []openapi3.SchemaValidationOption) (props openapi3.Schemas, additional *openapi3.Schema, ok bool) {
	if s == nil {
		return nil, nil, false
	}
	if m, ok := fixedMembers.Load(s); ok {
		m := m.(memberSet)
		return m.props, m.additional, m.ok
	}
	props = openapi3.Schemas{}
	found := false
	if len(s.Properties) > 0 || s.Type.Is("object") {
		found = true
		for k, v := range s.Properties {
			props[k] = v
		}
		if ap := s.AdditionalProperties.Schema; ap != nil {
			additional = ap.Value
		}
	}
	for _, ref := range s.AllOf {
		if p, a, ok := declared(ref.Value, obj, opts); ok {
			found = true
			for k, v := range p {
				props[k] = v
			}
			if a != nil {
				additional = a
			}
		}
	}
	if branch := chosenBranch(s, obj, opts); branch != nil {
		if p, a, ok := declared(branch, obj, opts); ok {
			found = true
			for k, v := range p {
				props[k] = v
			}
			if a != nil {
				additional = a
			}
		}
	}
	if valueIndependent(s) {
		fixedMembers.Store(s, memberSet{props, additional, found})
	}
	return props, additional, found
}

// fixedMembers keeps declared's answer for the schemas whose members do not
// depend on the value, so each request does not build them again. Loaded
// schemas are never changed, so their answers stay true.
var fixedMembers sync.Map // *openapi3.Schema -> memberSet

type memberSet struct {
	props      openapi3.Schemas
	additional *openapi3.Schema
	ok         bool
}

// valueIndependent reports whether no oneOf or anyOf in s or its allOf
// branches lets the value choose the members.
func valueIndependent(s *openapi3.Schema) bool {
	if len(s.OneOf) > 0 || len(s.AnyOf) > 0 {
		return false
	}
	for _, ref := range s.AllOf {
		if ref.Value == nil || !valueIndependent(ref.Value) {
			return false
		}
	}
	return true
}

// chosenBranch is the oneOf/anyOf branch a valid value took.
func chosenBranch(s *openapi3.Schema, obj map[string]any, opts []openapi3.SchemaValidationOption) *openapi3.Schema {
	branches := s.OneOf
	if len(branches) == 0 {
		branches = s.AnyOf
	}
	if len(branches) == 0 {
		return nil
	}
	if d := s.Discriminator; d != nil {
		if tag, ok := obj[d.PropertyName].(string); ok {
			if ref, ok := d.Mapping[tag]; ok {
				for _, b := range branches {
					if b.Ref == ref.Ref {
						return b.Value
					}
				}
			}
		}
	}
	for _, b := range branches {
		if b.Value.VisitJSON(obj, opts...) == nil {
			return b.Value
		}
	}
	return nil
}

// reduce returns v with every object member its schema does not declare
// removed, and lists the members the policy refuses (by dotted path).
func reduce(s *openapi3.Schema, v any, policy unknownFields, opts []openapi3.SchemaValidationOption, refused *[]problem.Field) any {
	out, _ := reduced(s, v, nil, policy, opts, refused)
	return out
}

// reduced is reduce that also reports whether anything was removed; when
// nothing was, v itself is returned rather than a copy.
func reduced(s *openapi3.Schema, v any, path []string, policy unknownFields, opts []openapi3.SchemaValidationOption, refused *[]problem.Field) (any, bool) {
	switch x := v.(type) {
	case map[string]any:
		props, additional, ok := declared(s, x, opts)
		if !ok {
			return x, false
		}
		var out map[string]any // a copy, made at the first change
		for k, member := range x {
			var (
				schema *openapi3.Schema
				kept   = true
			)
			if p, known := props[k]; known {
				schema = p.Value
			} else if additional != nil {
				schema = additional
			} else {
				kept = false
				if problem, refuse := unknownMember(k, props, extend(path, k), policy); refuse {
					*refused = append(*refused, problem)
				}
			}
			child, changed := member, !kept
			if kept && isContainer(member) {
				child, changed = reduced(schema, member, extend(path, k), policy, opts, refused)
			}
			if changed && out == nil {
				// Every member seen so far was kept as it is.
				out = maps.Clone(x)
			}
			if out != nil {
				if kept {
					out[k] = child
				} else {
					delete(out, k)
				}
			}
		}
		if out == nil {
			return x, false
		}
		return out, true
	case []any:
		if s == nil || s.Items == nil {
			return x, false
		}
		var out []any
		for i, item := range x {
			child, changed := item, false
			if isContainer(item) {
				child, changed = reduced(s.Items.Value, item, extend(path, fmt.Sprint(i)), policy, opts, refused)
			}
			if changed && out == nil {
				out = make([]any, len(x))
				copy(out, x)
			}
			if out != nil {
				out[i] = child
			}
		}
		if out == nil {
			return x, false
		}
		return out, true
	}
	return v, false
}

func isContainer(v any) bool {
	switch v.(type) {
	case map[string]any, []any:
		return true
	}
	return false
}

// extend returns path with name added, never sharing path's array.
func extend(path []string, name string) []string {
	return append(path[:len(path):len(path)], name)
}

// unknownMember words a member the schema does not declare, when the
// policy refuses it.
func unknownMember(name string, props openapi3.Schemas, at []string, policy unknownFields) (problem.Field, bool) {
	field := fieldName("body", "", at)
	for known := range props {
		if strings.EqualFold(known, name) {
			if policy == ignoreUnknown {
				return problem.Field{}, false
			}
			return problem.Field{In: "body", Field: field, Keyword: "unknown",
				Message: field + " is not a field; the field is spelled " + known}, true
		}
	}
	if policy != refuseUnknown {
		return problem.Field{}, false
	}
	return problem.Field{In: "body", Field: field, Keyword: "unknown", Message: field + " is not a field"}, true
}
