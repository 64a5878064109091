// Package scenario reads QA scenarios — edge cases written once as YAML —
// and replays them against a target, step by step. The mock's recorder
// (GET /__mock/requests?format=scenario) writes the same format, so a
// session recorded against the mock replays as it is.
//
// A file:
//
//	name: lock appears mid-sequence          # required
//	vendor: care360                          # optional; the folder also says it
//	description: ...                         # optional
//	fixtures: {care360: {...}}               # optional, merged into the scenario's session
//	faults: [{match: {...}, ...}]            # optional fault rules of the scenario's session
//	steps:
//	  - name: first update succeeds          # required, unique in the file
//	    request: {method, path, query, headers, body | bodyText, timeoutMs}
//	    expect: {status | timeout, body: {<JSON path>: value | {pattern: re}}, schema}
//	    save: {<name>: <JSON path>}
//
// Strings in a request may hold references, resolved when the step runs:
// ${credential.care360.<organization id>}, ${credential.cl2c.<tenant id>},
// ${credential.r1discover.<token index>}, ${fixtures.<dotted path>} and
// ${steps.<step name>.<saved name>}; "$${" writes a literal "${".
package scenario

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/vendorsuite/contracts/generated/mockcontrol"
	"github.com/vendorsuite/contracts/mock/fixtures"
	"github.com/vendorsuite/contracts/mock/registry"
)

// Vendors a scenario may name: the mock registry's.
var Vendors = registry.Names()

// Scenario is one loaded file.
type Scenario struct {
	// File is the path the scenario was read from; Line its first line.
	File        string
	Name        string
	Vendor      string
	Description string
	// Fixtures is merged (POST /__mock/state) into the scenario's session
	// before the steps; nil when the file has none.
	Fixtures *fixtures.Document
	// Faults are added (POST /__mock/faults) to the scenario's session
	// before the steps.
	Faults []mockcontrol.FaultRule
	Steps  []*Step
	// Unmet lists the accounts and fixture values the file refers to that
	// the suite's fixtures (CONTRACT_FIXTURES) lack, one reason each: the
	// scenario is skipped with them, since the target cannot meet its needs.
	Unmet []string

	env *env
}

// Step is one request and what its answer must be.
type Step struct {
	Name    string
	Line    int
	Request Request
	Expect  Expect
	// Save names values of the answer for later steps, in file order.
	Save []Saved
}

// Request is a step's request as written; strings may hold references.
type Request struct {
	Method string
	Path   string
	// Query and Headers keep the file's order.
	Query   []Pair
	Headers []Pair
	// Body is any JSON value (HasBody tells a null body from none).
	Body     any
	HasBody  bool
	BodyText *string
	Timeout  time.Duration
}

// Pair is a name and a value.
type Pair struct{ Name, Value string }

// Expect is what a step's answer must be.
type Expect struct {
	// Status is the expected status; 0 with NoAnswer.
	Status int
	// NoAnswer: the client must time out or get no answer (timeout: true,
	// or status 0 as the recorder writes a dropped connection).
	NoAnswer bool
	Body     []BodyCheck
	// Schema: the answer must match the vendor's OpenAPI document (default).
	Schema bool
}

// BodyCheck is one expected value at a JSON path of the answer.
type BodyCheck struct {
	Path    Path
	Value   any
	Pattern *regexp.Regexp
	Line    int
}

// Saved names the value at a JSON path of a step's answer.
type Saved struct {
	Name string
	Path Path
	Line int
}

// Needs says what the scenario needs from a target: the accounts its
// references name, and the control API when NeedsControl says so.
func (s *Scenario) Needs() string {
	var parts []string
	if why := s.NeedsControl(); why != "" {
		parts = append(parts, "the mock control API ("+why+")")
	}
	if len(s.Unmet) > 0 {
		parts = append(parts, "what the fixtures lack: "+strings.Join(s.Unmet, "; "))
	}
	return strings.Join(parts, ", and ")
}

// NeedsControl reports why the scenario can only run against a target with
// the mock control API ("" when it can run anywhere).
func (s *Scenario) NeedsControl() string {
	switch {
	case s.Fixtures != nil:
		return "the scenario adds fixtures"
	case len(s.Faults) > 0:
		return "the scenario injects faults"
	}
	for _, st := range s.Steps {
		if IsControlPath(st.Request.Path) {
			return "step " + strconv.Quote(st.Name) + " calls the control API"
		}
	}
	return ""
}

// Mutating reports whether a step changes state (any method but GET,
// HEAD or OPTIONS).
func (s *Scenario) Mutating() bool {
	return slices.ContainsFunc(s.Steps, func(st *Step) bool {
		switch strings.ToUpper(st.Request.Method) {
		case "GET", "HEAD", "OPTIONS":
			return false
		}
		return true
	})
}

// VendorsUsed lists the vendors whose targets the steps reach, the
// scenario's vendor first.
func (s *Scenario) VendorsUsed() []string {
	out := []string{s.Vendor}
	for _, st := range s.Steps {
		if v := s.StepVendor(st); !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// StepVendor is the vendor whose target serves the step: the one whose
// paths hold its path, else (control calls, unknown paths) the scenario's.
func (s *Scenario) StepVendor(st *Step) string {
	if v := VendorOfPath(st.Request.Path); v != "" {
		return v
	}
	return s.Vendor
}

// VendorOfPath names the vendor whose paths hold path, or "".
func VendorOfPath(path string) string { return registry.VendorOf(path) }

// IsControlPath reports whether path belongs to the mock control API.
func IsControlPath(path string) bool { return registry.IsControl(path) }

// Error lists every problem of a file, each with its line.
type Error struct {
	File     string
	Problems []Problem
}

// Problem is one reason a file does not load.
type Problem struct {
	Line   int
	Reason string
}

func (e *Error) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = fmt.Sprintf("%s:%d: %s", e.File, p.Line, p.Reason)
	}
	return strings.Join(lines, "\n")
}

// Load reads one scenario file. doc is the fixture document of the suite,
// against which credentials and fixture references are checked (and later
// resolved). The vendor defaults to the name of the file's folder when
// that is a vendor.
func Load(path string, doc *fixtures.Document) (*Scenario, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	vendor := filepath.Base(filepath.Dir(path))
	if !slices.Contains(Vendors, vendor) {
		vendor = ""
	}
	return Parse(path, data, vendor, doc)
}

// LoadDir loads every *.yaml and *.yml file under root, in path order,
// and returns every file's problems together.
func LoadDir(root string, doc *fixtures.Document) ([]*Scenario, error) {
	var files []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && (strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")) {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.Sort(files)
	var out []*Scenario
	var errs []error
	names := map[string]string{}
	for _, f := range files {
		s, err := Load(f, doc)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if other, ok := names[s.Name]; ok {
			errs = append(errs, fmt.Errorf("%s: name %q is also the name of %s", f, s.Name, other))
			continue
		}
		names[s.Name] = f
		out = append(out, s)
	}
	return out, errors.Join(errs...)
}

// Parse reads a scenario from data; file names it in problems. vendor is
// the vendor the file's location implies ("" for none).
func Parse(file string, data []byte, vendor string, doc *fixtures.Document) (*Scenario, error) {
	p := &parser{err: &Error{File: file}}
	s := p.parse(data, vendor, doc)
	s.File = file
	s.Unmet = p.unmet
	if len(p.err.Problems) > 0 {
		return nil, p.err
	}
	return s, nil
}

type parser struct {
	err   *Error
	unmet []string
}

func (p *parser) fail(n *yaml.Node, format string, args ...any) {
	line := 0
	if n != nil {
		line = n.Line
	}
	p.err.Problems = append(p.err.Problems, Problem{Line: line, Reason: fmt.Sprintf(format, args...)})
}

// fields reads a mapping's keys, failing on duplicates and on keys not in
// known, and returns the values by key.
func (p *parser) fields(n *yaml.Node, what string, known ...string) map[string]*yaml.Node {
	out := map[string]*yaml.Node{}
	if n.Kind != yaml.MappingNode {
		p.fail(n, "%s must be a mapping", what)
		return out
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch {
		case !slices.Contains(known, k.Value):
			p.fail(k, "unknown field %q in %s (known: %s)", k.Value, what, strings.Join(known, ", "))
		case out[k.Value] != nil:
			p.fail(k, "field %q appears twice in %s", k.Value, what)
		default:
			out[k.Value] = v
		}
	}
	return out
}

func (p *parser) str(n *yaml.Node, what string) (string, bool) {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		p.fail(n, "%s must be a string", what)
		return "", false
	}
	return n.Value, true
}

func (p *parser) required(m map[string]*yaml.Node, parent *yaml.Node, key, what string) (*yaml.Node, bool) {
	n, ok := m[key]
	if !ok {
		p.fail(parent, "%s needs %q", what, key)
	}
	return n, ok
}

func (p *parser) parse(data []byte, dirVendor string, doc *fixtures.Document) *Scenario {
	s := &Scenario{}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		line := 0
		if m := regexp.MustCompile(`line (\d+)`).FindStringSubmatch(err.Error()); m != nil {
			line, _ = strconv.Atoi(m[1])
		}
		p.err.Problems = append(p.err.Problems, Problem{Line: line, Reason: "not YAML: " + err.Error()})
		return s
	}
	if root.Kind != yaml.DocumentNode || len(root.Content) == 0 {
		p.fail(&root, "the file is empty")
		return s
	}
	top := root.Content[0]
	f := p.fields(top, "the scenario", "name", "vendor", "description", "fixtures", "faults", "steps")
	if n, ok := p.required(f, top, "name", "the scenario"); ok {
		s.Name, _ = p.str(n, "name")
		if strings.TrimSpace(s.Name) == "" {
			p.fail(n, "name must not be empty")
		}
	}
	s.Vendor = dirVendor
	if n, ok := f["vendor"]; ok {
		v, _ := p.str(n, "vendor")
		switch {
		case !slices.Contains(Vendors, v):
			p.fail(n, "unknown vendor %q (known: %s)", v, strings.Join(Vendors, ", "))
		case dirVendor != "" && v != dirVendor:
			p.fail(n, "vendor %q, but the file is in the %s folder", v, dirVendor)
		default:
			s.Vendor = v
		}
	}
	if n, ok := f["description"]; ok {
		s.Description, _ = p.str(n, "description")
	}
	if n, ok := f["fixtures"]; ok {
		s.Fixtures = p.fixtures(n)
	}
	if n, ok := f["faults"]; ok {
		s.Faults = p.faults(n)
	}
	s.env = &env{suite: doc, own: s.Fixtures}
	steps, ok := p.required(f, top, "steps", "the scenario")
	if !ok {
		return s
	}
	if steps.Kind != yaml.SequenceNode || len(steps.Content) == 0 {
		p.fail(steps, "steps must be a non-empty list")
		return s
	}
	saved := map[string][]string{} // step name -> saved names
	for _, n := range steps.Content {
		st := p.step(n, s.env, saved)
		if st == nil {
			continue
		}
		if _, dup := saved[st.Name]; dup {
			p.fail(n, "step name %q is used twice", st.Name)
		}
		saved[st.Name] = nil
		for _, sv := range st.Save {
			saved[st.Name] = append(saved[st.Name], sv.Name)
		}
		s.Steps = append(s.Steps, st)
	}
	if s.Vendor == "" {
		for _, st := range s.Steps {
			if v := VendorOfPath(st.Request.Path); v != "" && s.Vendor == "" {
				s.Vendor = v
			}
		}
		if s.Vendor == "" {
			p.fail(top, "no vendor: name one with vendor, put the file in a vendor's folder, or call a vendor path")
		}
	}
	return s
}

// toJSON turns a YAML node into JSON-compatible values: maps with string
// keys, slices, strings, int64, float64, bool and nil. Timestamps and
// other tagged scalars stay text.
func (p *parser) toJSON(n *yaml.Node) (any, bool) {
	switch n.Kind {
	case yaml.DocumentNode:
		return p.toJSON(n.Content[0])
	case yaml.AliasNode:
		return p.toJSON(n.Alias)
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		ok := true
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind != yaml.ScalarNode {
				p.fail(k, "a mapping key must be a string")
				ok = false
				continue
			}
			v, vok := p.toJSON(n.Content[i+1])
			ok = ok && vok
			m[k.Value] = v
		}
		return m, ok
	case yaml.SequenceNode:
		l := make([]any, 0, len(n.Content))
		ok := true
		for _, c := range n.Content {
			v, vok := p.toJSON(c)
			ok = ok && vok
			l = append(l, v)
		}
		return l, ok
	}
	switch n.Tag {
	case "!!null":
		return nil, true
	case "!!bool":
		var b bool
		_ = n.Decode(&b)
		return b, true
	case "!!int":
		var i int64
		if err := n.Decode(&i); err == nil {
			return i, true
		}
		var f float64
		_ = n.Decode(&f)
		return f, true
	case "!!float":
		var f float64
		if err := n.Decode(&f); err != nil {
			p.fail(n, "%s is not a number JSON can hold", n.Value)
			return nil, false
		}
		return f, true
	}
	return n.Value, true
}

func (p *parser) fixtures(n *yaml.Node) *fixtures.Document {
	v, ok := p.toJSON(n)
	if !ok {
		return nil
	}
	b, _ := json.Marshal(v)
	doc, err := fixtures.Parse(b)
	if err != nil {
		var r *fixtures.RejectedError
		if errors.As(err, &r) {
			for _, pr := range r.Problems {
				p.fail(n, "fixtures: %s", pr)
			}
		} else {
			p.fail(n, "fixtures: %v", err)
		}
		return nil
	}
	return doc
}

func (p *parser) faults(n *yaml.Node) []mockcontrol.FaultRule {
	if n.Kind != yaml.SequenceNode {
		p.fail(n, "faults must be a list of fault rules")
		return nil
	}
	var out []mockcontrol.FaultRule
	for i, c := range n.Content {
		v, ok := p.toJSON(c)
		if !ok {
			continue
		}
		b, _ := json.Marshal(v)
		var rule mockcontrol.FaultRule
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&rule); err != nil {
			p.fail(c, "faults[%d]: %v", i, err)
			continue
		}
		if m, ok := v.(map[string]any); ok {
			if _, ok := m["match"]; !ok {
				p.fail(c, "faults[%d] needs \"match\"", i)
				continue
			}
		}
		out = append(out, rule)
	}
	return out
}

var methodName = regexp.MustCompile(`^[A-Z]+$`)

var savedName = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

func (p *parser) step(n *yaml.Node, e *env, saved map[string][]string) *Step {
	f := p.fields(n, "a step", "name", "request", "expect", "save")
	st := &Step{Line: n.Line}
	if nn, ok := p.required(f, n, "name", "a step"); ok {
		st.Name, _ = p.str(nn, "a step's name")
		if strings.TrimSpace(st.Name) == "" {
			p.fail(nn, "a step's name must not be empty")
		}
	}
	what := fmt.Sprintf("step %q", st.Name)
	if rn, ok := p.required(f, n, "request", what); ok {
		st.Request = p.request(rn, what, e, saved)
	}
	if en, ok := p.required(f, n, "expect", what); ok {
		st.Expect = p.expect(en, what)
	}
	if sn, ok := f["save"]; ok {
		if sn.Kind != yaml.MappingNode {
			p.fail(sn, "save must map names to JSON paths")
		} else {
			for i := 0; i+1 < len(sn.Content); i += 2 {
				k, v := sn.Content[i], sn.Content[i+1]
				if !savedName.MatchString(k.Value) {
					p.fail(k, "saved name %q must match %s", k.Value, savedName)
				}
				ps, ok := p.str(v, "a saved JSON path")
				if !ok {
					continue
				}
				path, err := ParsePath(ps)
				if err != nil {
					p.fail(v, "%s", err)
					continue
				}
				st.Save = append(st.Save, Saved{Name: k.Value, Path: path, Line: v.Line})
			}
		}
	}
	return st
}

func (p *parser) request(n *yaml.Node, what string, e *env, saved map[string][]string) Request {
	f := p.fields(n, what+" request", "method", "path", "query", "headers", "body", "bodyText", "timeoutMs")
	var r Request
	check := func(node *yaml.Node, s string) {
		problems, unmet := checkRefs(s, e, saved)
		for _, pr := range problems {
			p.fail(node, "%s", pr)
		}
		for _, u := range unmet {
			if !slices.Contains(p.unmet, u) {
				p.unmet = append(p.unmet, u)
			}
		}
	}
	if mn, ok := p.required(f, n, "method", what+" request"); ok {
		r.Method, _ = p.str(mn, "method")
		if !methodName.MatchString(r.Method) {
			p.fail(mn, "method %q must be an upper-case HTTP method", r.Method)
		}
	}
	if pn, ok := p.required(f, n, "path", what+" request"); ok {
		r.Path, _ = p.str(pn, "path")
		if !strings.HasPrefix(r.Path, "/") {
			p.fail(pn, "path %q must start with /", r.Path)
		}
		if strings.Contains(r.Path, "?") {
			p.fail(pn, "path %q holds a query string: use query", r.Path)
		}
		check(pn, r.Path)
	}
	pairs := func(key string) []Pair {
		m, ok := f[key]
		if !ok {
			return nil
		}
		if m.Kind != yaml.MappingNode {
			p.fail(m, "%s must be a mapping of strings", key)
			return nil
		}
		var out []Pair
		for i := 0; i+1 < len(m.Content); i += 2 {
			k, v := m.Content[i], m.Content[i+1]
			if v.Kind != yaml.ScalarNode || v.Tag == "!!null" {
				p.fail(v, "%s %q must be a string", key, k.Value)
				continue
			}
			check(v, v.Value)
			out = append(out, Pair{Name: k.Value, Value: v.Value})
		}
		return out
	}
	r.Query = pairs("query")
	r.Headers = pairs("headers")
	if bn, ok := f["body"]; ok {
		if _, both := f["bodyText"]; both {
			p.fail(bn, "a request has body or bodyText, not both")
		}
		r.Body, _ = p.toJSON(bn)
		r.HasBody = true
		walkStrings(r.Body, func(s string) { check(bn, s) })
	}
	if tn, ok := f["bodyText"]; ok {
		s, ok := p.str(tn, "bodyText")
		if ok {
			r.BodyText = &s
			check(tn, s)
		}
	}
	if tn, ok := f["timeoutMs"]; ok {
		ms, err := strconv.Atoi(tn.Value)
		if tn.Kind != yaml.ScalarNode || err != nil || ms <= 0 {
			p.fail(tn, "timeoutMs must be a positive integer")
		}
		r.Timeout = time.Duration(ms) * time.Millisecond
	}
	return r
}

func walkStrings(v any, fn func(string)) {
	switch x := v.(type) {
	case string:
		fn(x)
	case map[string]any:
		for k, c := range x {
			fn(k)
			walkStrings(c, fn)
		}
	case []any:
		for _, c := range x {
			walkStrings(c, fn)
		}
	}
}

func (p *parser) expect(n *yaml.Node, what string) Expect {
	f := p.fields(n, what+" expect", "status", "timeout", "body", "schema")
	x := Expect{Schema: true}
	sn, hasStatus := f["status"]
	tn, hasTimeout := f["timeout"]
	switch {
	case hasStatus && hasTimeout:
		p.fail(n, "%s expects a status or a timeout, not both", what)
	case hasStatus:
		st, err := strconv.Atoi(sn.Value)
		if sn.Kind != yaml.ScalarNode || err != nil || (st != 0 && (st < 100 || st > 599)) {
			p.fail(sn, "status must be an HTTP status (100-599), or 0 for no answer")
		}
		x.Status, x.NoAnswer = st, st == 0
	case hasTimeout:
		if tn.Kind != yaml.ScalarNode || tn.Tag != "!!bool" || tn.Value != "true" {
			p.fail(tn, "timeout must be true (or leave it out and expect a status)")
		}
		x.NoAnswer = true
	default:
		p.fail(n, "%s expect needs \"status\" or \"timeout\"", what)
	}
	if bn, ok := f["body"]; ok {
		if x.NoAnswer {
			p.fail(bn, "a step that expects no answer cannot check a body")
		}
		if bn.Kind != yaml.MappingNode {
			p.fail(bn, "expect.body must map JSON paths to values")
		} else {
			for i := 0; i+1 < len(bn.Content); i += 2 {
				k, v := bn.Content[i], bn.Content[i+1]
				path, err := ParsePath(k.Value)
				if err != nil {
					p.fail(k, "%s", err)
					continue
				}
				c := BodyCheck{Path: path, Line: k.Line}
				if v.Kind == yaml.MappingNode && len(v.Content) == 2 && v.Content[0].Value == "pattern" {
					re, err := regexp.Compile(v.Content[1].Value)
					if err != nil {
						p.fail(v.Content[1], "pattern for %s: %v", k.Value, err)
						continue
					}
					c.Pattern = re
				} else {
					c.Value, _ = p.toJSON(v)
				}
				x.Body = append(x.Body, c)
			}
		}
	}
	if sn, ok := f["schema"]; ok {
		if sn.Kind != yaml.ScalarNode || sn.Tag != "!!bool" {
			p.fail(sn, "schema must be true or false")
		}
		x.Schema = sn.Value == "true"
	}
	return x
}
