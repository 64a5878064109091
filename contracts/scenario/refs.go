package scenario

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/vendorsuite/contracts/generated/mockcontrol"
	"github.com/vendorsuite/contracts/mock/fixtures"
	"github.com/vendorsuite/contracts/mock/registry"
)

// Path is a JSON path of the form $, .key and [n] only.
type Path struct {
	text string
	// parts are keys (string) and indexes (int).
	parts []any
}

func (p Path) String() string { return p.text }

// ParsePath reads "$", "$.key", "$.a[0].b", ...
func ParsePath(s string) (Path, error) {
	p := Path{text: s}
	rest, ok := strings.CutPrefix(s, "$")
	if !ok {
		return p, fmt.Errorf("bad JSON path %q: must start with $", s)
	}
	for rest != "" {
		switch rest[0] {
		case '.':
			rest = rest[1:]
			end := strings.IndexAny(rest, ".[")
			if end < 0 {
				end = len(rest)
			}
			if end == 0 {
				return p, fmt.Errorf("bad JSON path %q: empty key", s)
			}
			p.parts = append(p.parts, rest[:end])
			rest = rest[end:]
		case '[':
			end := strings.IndexByte(rest, ']')
			if end < 0 {
				return p, fmt.Errorf("bad JSON path %q: [ without ]", s)
			}
			n, err := strconv.Atoi(rest[1:end])
			if err != nil || n < 0 {
				return p, fmt.Errorf("bad JSON path %q: %q is not an index (only .key and [n] are supported)", s, rest[1:end])
			}
			p.parts = append(p.parts, n)
			rest = rest[end+1:]
		default:
			return p, fmt.Errorf("bad JSON path %q: expected . or [ at %q (only $, .key and [n] are supported)", s, rest)
		}
	}
	return p, nil
}

// Lookup finds the path's value in v (decoded JSON).
func (p Path) Lookup(v any) (any, error) {
	cur := v
	for i, part := range p.parts {
		switch k := part.(type) {
		case string:
			m, ok := cur.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("%s: %s is not an object", p.text, prefix(p, i))
			}
			next, ok := m[k]
			if !ok {
				return nil, fmt.Errorf("%s: %s has no member %q", p.text, prefix(p, i), k)
			}
			cur = next
		case int:
			l, ok := cur.([]any)
			if !ok {
				return nil, fmt.Errorf("%s: %s is not an array", p.text, prefix(p, i))
			}
			if k >= len(l) {
				return nil, fmt.Errorf("%s: %s has %d items", p.text, prefix(p, i), len(l))
			}
			cur = l[k]
		}
	}
	return cur, nil
}

func prefix(p Path, n int) string {
	var b strings.Builder
	b.WriteString("$")
	for _, part := range p.parts[:n] {
		switch k := part.(type) {
		case string:
			b.WriteString("." + k)
		case int:
			fmt.Fprintf(&b, "[%d]", k)
		}
	}
	return b.String()
}

// env is what references resolve against: the suite's fixtures, then the
// scenario's own.
type env struct {
	suite, own *fixtures.Document
}

// refPattern finds ${...}; "$${" escapes a literal "${".
var refPattern = regexp.MustCompile(`\$?\$\{([^}]*)\}`)

// ref is one parsed reference.
type ref struct {
	kind string // credential, fixtures, steps
	// credential: vendor and account; fixtures: path; steps: step and name.
	a, b string
}

func parseRef(body string) (ref, error) {
	kind, rest, _ := strings.Cut(body, ".")
	switch kind {
	case "credential":
		vendor, account, ok := strings.Cut(rest, ".")
		if !ok || account == "" || !slices.Contains(Vendors, vendor) {
			return ref{}, fmt.Errorf("reference ${%s}: want ${credential.<%s>.<account>}", body, strings.Join(Vendors, "|"))
		}
		return ref{kind: kind, a: vendor, b: account}, nil
	case "fixtures":
		if rest == "" {
			return ref{}, fmt.Errorf("reference ${%s}: want ${fixtures.<path>}", body)
		}
		return ref{kind: kind, a: rest}, nil
	case "steps":
		i := strings.LastIndexByte(rest, '.')
		if i <= 0 || i == len(rest)-1 {
			return ref{}, fmt.Errorf("reference ${%s}: want ${steps.<step name>.<saved name>}", body)
		}
		return ref{kind: kind, a: rest[:i], b: rest[i+1:]}, nil
	}
	return ref{}, fmt.Errorf("reference ${%s}: unknown kind %q (credential, fixtures or steps)", body, kind)
}

// checkRefs lists the problems of the references in s, and the accounts
// and fixture values they need that the fixtures lack (unmet: a need the
// target may not meet, not a fault of the file). saved holds the earlier
// steps and what each saves.
func checkRefs(s string, e *env, saved map[string][]string) (problems, unmet []string) {
	for _, m := range refPattern.FindAllStringSubmatch(s, -1) {
		if strings.HasPrefix(m[0], "$$") {
			continue
		}
		r, err := parseRef(m[1])
		if err != nil {
			problems = append(problems, err.Error())
			continue
		}
		switch r.kind {
		case "credential", "fixtures":
			if _, err := e.resolve(r); err != nil {
				unmet = append(unmet, err.Error())
			}
		case "steps":
			names, ok := saved[r.a]
			switch {
			case !ok:
				problems = append(problems, fmt.Sprintf("reference ${%s}: no earlier step is named %q", m[1], r.a))
			case !slices.Contains(names, r.b):
				problems = append(problems, fmt.Sprintf("reference ${%s}: step %q saves no %q", m[1], r.a, r.b))
			}
		}
	}
	return problems, unmet
}

// resolve finds a credential or fixture value.
func (e *env) resolve(r ref) (any, error) {
	switch r.kind {
	case "credential":
		for _, d := range []*fixtures.Document{e.suite, e.own} {
			if v, ok := credential(d, r.a, r.b); ok {
				return v, nil
			}
		}
		return nil, fmt.Errorf("reference ${credential.%s.%s}: the fixtures have no %s account %q with a credential", r.a, r.b, r.a, r.b)
	case "fixtures":
		path, err := ParsePath("$." + r.a)
		if err != nil {
			return nil, fmt.Errorf("reference ${fixtures.%s}: %v", r.a, err)
		}
		v, err := path.Lookup(asJSON(e.suite))
		if err != nil {
			return nil, fmt.Errorf("reference ${fixtures.%s}: the fixtures have no such value (%v)", r.a, err)
		}
		return v, nil
	}
	return nil, fmt.Errorf("reference kind %s cannot be resolved here", r.kind)
}

func credential(d *fixtures.Document, vendor, account string) (string, bool) {
	return registry.CredentialOf(d, vendor, account)
}

// asJSON is the document as decoded JSON values.
func asJSON(d *fixtures.Document) any {
	if d == nil {
		return map[string]any{}
	}
	b, _ := json.Marshal(d)
	var v any
	_ = json.Unmarshal(b, &v)
	return v
}

// expand replaces the references in s. When s is exactly one reference,
// whole returns the referenced value itself (a number stays a number).
func (e *env) expand(s string, saved map[string]map[string]any) (out string, whole any, err error) {
	var firstErr error
	matches := refPattern.FindAllStringSubmatchIndex(s, -1)
	if len(matches) == 1 && matches[0][0] == 0 && matches[0][1] == len(s) && !strings.HasPrefix(s, "$$") {
		v, err := e.value(s[matches[0][2]:matches[0][3]], saved)
		if err != nil {
			return "", nil, err
		}
		return text(v), v, nil
	}
	out = refPattern.ReplaceAllStringFunc(s, func(m string) string {
		if strings.HasPrefix(m, "$$") {
			return m[1:]
		}
		v, err := e.value(m[2:len(m)-1], saved)
		if err != nil && firstErr == nil {
			firstErr = err
		}
		return text(v)
	})
	return out, out, firstErr
}

func (e *env) value(body string, saved map[string]map[string]any) (any, error) {
	r, err := parseRef(body)
	if err != nil {
		return nil, err
	}
	if r.kind == "steps" {
		v, ok := saved[r.a][r.b]
		if !ok {
			return nil, fmt.Errorf("reference ${%s}: step %q saved no %q (did it run?)", body, r.a, r.b)
		}
		return v, nil
	}
	return e.resolve(r)
}

// text writes a value into a string: strings as they are, the rest as JSON.
func text(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// expandValue replaces references in every string of a JSON value.
func (e *env) expandValue(v any, saved map[string]map[string]any) (any, error) {
	switch x := v.(type) {
	case string:
		_, whole, err := e.expand(x, saved)
		return whole, err
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, c := range x {
			kk, _, err := e.expand(k, saved)
			if err != nil {
				return nil, err
			}
			cv, err := e.expandValue(c, saved)
			if err != nil {
				return nil, err
			}
			out[kk] = cv
		}
		return out, nil
	case []any:
		out := make([]any, len(x))
		for i, c := range x {
			cv, err := e.expandValue(c, saved)
			if err != nil {
				return nil, err
			}
			out[i] = cv
		}
		return out, nil
	}
	return v, nil
}

// ResolvedFaults returns the scenario's fault rules with each match
// credential written as a reference (${credential.<vendor>.<account>}, as
// the mock's recorder writes it, so a recording holds no secret) replaced
// by that account's credential.
func (s *Scenario) ResolvedFaults() ([]mockcontrol.FaultRule, error) {
	out := slices.Clone(s.Faults)
	for i, f := range out {
		m := f.Match
		if m.Credential == nil {
			continue
		}
		v, _, err := s.env.expand(*m.Credential, nil)
		if err != nil {
			return nil, fmt.Errorf("faults[%d].match.credential: %w", i, err)
		}
		m.Credential = &v
		out[i].Match = m
	}
	return out, nil
}
