package scenario

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"time"
)

// Call is one request, references resolved, ready to send.
type Call struct {
	// Vendor is the vendor whose target serves the request.
	Vendor string
	Method string
	// Path includes the query string, when there is one.
	Path   string
	Header http.Header
	// Body is nil for none. ContentType is its media type ("" for none).
	Body        []byte
	ContentType string
	Timeout     time.Duration
}

// Answer is a target's response to a Call.
type Answer struct {
	Status int
	Header http.Header
	Body   []byte
	// Shown describes the exchange (secrets redacted) for failure messages.
	Shown string

	// Raw is what the Exchanger keeps for its Validate.
	Raw any
}

// Exchanger sends calls to the targets.
type Exchanger interface {
	// Exchange sends c; the error means no answer came (timeout, refused or
	// dropped connection).
	Exchange(c Call) (*Answer, error)
	// Validate checks an answer against the OpenAPI document of c's vendor.
	Validate(c Call, a *Answer) error
}

// Run replays one scenario, one step at a time, keeping what steps save.
type Run struct {
	s     *Scenario
	ex    Exchanger
	saved map[string]map[string]any
	next  int
}

// NewRun starts a replay of s through ex.
func (s *Scenario) NewRun(ex Exchanger) *Run {
	return &Run{s: s, ex: ex, saved: map[string]map[string]any{}}
}

// All runs every step in order and returns the first failure.
func (r *Run) All() error {
	for _, st := range r.s.Steps {
		if err := r.Step(st); err != nil {
			return err
		}
	}
	return nil
}

// Step runs st. Steps before it that have not run yet (left out by a
// focus or label filter) run first, since st may depend on them; a step
// cannot run twice or after a later one.
func (r *Run) Step(st *Step) error {
	i := slices.Index(r.s.Steps, st)
	if i < r.next {
		return fmt.Errorf("step %q is not a step of %s still to run", st.Name, r.s.File)
	}
	for ; r.next <= i; r.next++ {
		cur := r.s.Steps[r.next]
		if err := r.step(cur); err != nil {
			if cur != st {
				return fmt.Errorf("%s:%d: earlier step %q, run first: %w", r.s.File, cur.Line, cur.Name, err)
			}
			return fmt.Errorf("%s:%d: step %q: %w", r.s.File, st.Line, st.Name, err)
		}
	}
	return nil
}

// Build resolves st's request into a Call.
func (r *Run) Build(st *Step) (Call, error) {
	e := r.s.env
	q := &st.Request
	c := Call{Vendor: r.s.StepVendor(st), Method: q.Method, Header: http.Header{}, Timeout: q.Timeout}
	path, _, err := e.expand(q.Path, r.saved)
	if err != nil {
		return c, err
	}
	if len(q.Query) > 0 {
		vals := url.Values{}
		for _, p := range q.Query {
			v, _, err := e.expand(p.Value, r.saved)
			if err != nil {
				return c, err
			}
			vals.Add(p.Name, v)
		}
		path += "?" + vals.Encode()
	}
	c.Path = path
	for _, h := range q.Headers {
		v, _, err := e.expand(h.Value, r.saved)
		if err != nil {
			return c, err
		}
		if strings.EqualFold(h.Name, "Content-Type") {
			c.ContentType = v
			continue
		}
		c.Header.Add(h.Name, v)
	}
	switch {
	case q.BodyText != nil:
		b, _, err := e.expand(*q.BodyText, r.saved)
		if err != nil {
			return c, err
		}
		c.Body = []byte(b)
	case q.HasBody:
		v, err := e.expandValue(q.Body, r.saved)
		if err != nil {
			return c, err
		}
		if c.Body, err = json.Marshal(v); err != nil {
			return c, err
		}
	}
	if c.Body != nil && c.ContentType == "" {
		c.ContentType = "application/json"
	}
	return c, nil
}

func (r *Run) step(st *Step) error {
	c, err := r.Build(st)
	if err != nil {
		return err
	}
	a, err := r.ex.Exchange(c)
	if st.Expect.NoAnswer {
		if err == nil {
			return fmt.Errorf("expected no answer (a timeout or a dropped connection), got %d\n%s", a.Status, a.Shown)
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("expected %d, got no answer: %w", st.Expect.Status, err)
	}
	if a.Status != st.Expect.Status {
		return fmt.Errorf("expected status %d, got %d\n%s", st.Expect.Status, a.Status, a.Shown)
	}
	if st.Expect.Schema {
		if err := r.ex.Validate(c, a); err != nil {
			return err
		}
	}
	if len(st.Expect.Body) == 0 && len(st.Save) == 0 {
		return nil
	}
	var body any
	dec := json.NewDecoder(bytes.NewReader(a.Body))
	dec.UseNumber()
	if err := dec.Decode(&body); err != nil {
		return fmt.Errorf("the body is not JSON: %v\n%s", err, a.Shown)
	}
	var problems []string
	for _, chk := range st.Expect.Body {
		got, err := chk.Path.Lookup(body)
		if err != nil {
			problems = append(problems, fmt.Sprintf("line %d: %v", chk.Line, err))
			continue
		}
		if chk.Pattern != nil {
			if !chk.Pattern.MatchString(text(plain(got))) {
				problems = append(problems, fmt.Sprintf("line %d: %s is %s, which does not match /%s/", chk.Line, chk.Path, show(got), chk.Pattern))
			}
			continue
		}
		if !equal(chk.Value, got) {
			problems = append(problems, fmt.Sprintf("line %d: %s is %s, want %s", chk.Line, chk.Path, show(got), show(chk.Value)))
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("the body differs:\n  %s\n%s", strings.Join(problems, "\n  "), a.Shown)
	}
	for _, sv := range st.Save {
		v, err := sv.Path.Lookup(body)
		if err != nil {
			return fmt.Errorf("line %d: saving %s: %v\n%s", sv.Line, sv.Name, err, a.Shown)
		}
		if r.saved[st.Name] == nil {
			r.saved[st.Name] = map[string]any{}
		}
		r.saved[st.Name][sv.Name] = plain(v)
	}
	return nil
}

// plain turns json.Number into float64 (or int64 when integral).
func plain(v any) any {
	switch x := v.(type) {
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i
		}
		f, _ := x.Float64()
		return f
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, c := range x {
			out[k] = plain(c)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, c := range x {
			out[i] = plain(c)
		}
		return out
	}
	return v
}

// equal compares an expected value with a decoded one, numbers by value.
func equal(want, got any) bool {
	return reflect.DeepEqual(normal(want), normal(got))
}

func normal(v any) any {
	b, err := json.Marshal(plain(v))
	if err != nil {
		return v
	}
	var out any
	_ = json.Unmarshal(b, &out)
	return out
}

func show(v any) string {
	b, err := json.Marshal(plain(v))
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
