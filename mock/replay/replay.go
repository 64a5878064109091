// Package replay runs a scenario file (the format the mock's recorder
// writes and the contract suite replays) against a mock in-process, in a
// fresh session, and reports every step's expectation and result. It
// reuses the contract suite's scenario loader and runner, so a file passes
// here exactly when it passes in `make contract`.
package replay

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/vendorsuite/contracts/contracts/scenario"
	"github.com/vendorsuite/contracts/generated/mockcontrol"
	"github.com/vendorsuite/contracts/mock"
	"github.com/vendorsuite/contracts/openapi"
)

// DefaultStepTimeout bounds a step whose file gives no timeoutMs.
const DefaultStepTimeout = 10 * time.Second

// fileName names the uploaded file in the runner's messages.
const fileName = "scenario"

// bodyCap bounds the response body a report keeps per step.
const bodyCap = 64 << 10

// Run loads file and replays it in target's session; it is a
// mock.ReplayFunc. A file that does not load, or whose fixtures or faults
// the mock refuses, is a *mock.ReplayRefusedError; any other error means
// the run itself could not happen.
func Run(ctx context.Context, file []byte, target mock.ReplayTarget) (*mockcontrol.ReplayReport, error) {
	o := target
	s, err := scenario.Parse(fileName, file, "", o.Fixtures)
	if err != nil {
		var se *scenario.Error
		if errors.As(err, &se) {
			out := make([]string, len(se.Problems))
			for i, p := range se.Problems {
				out[i] = fmt.Sprintf("line %d: %s", p.Line, p.Reason)
			}
			return nil, &mock.ReplayRefusedError{Problems: out}
		}
		return nil, &mock.ReplayRefusedError{Problems: []string{err.Error()}}
	}
	if len(s.Unmet) > 0 {
		// References to accounts or values the startup fixtures lack: no
		// step that uses them could run here.
		return nil, &mock.ReplayRefusedError{Problems: s.Unmet}
	}
	if err := o.CreateSession(o.Session); err != nil {
		return nil, err
	}
	ex := &inProcess{ctx: ctx, o: o}
	if err := ex.prepare(s); err != nil {
		o.RemoveSession(o.Session)
		return nil, err
	}
	report := &mockcontrol.ReplayReport{Name: s.Name, Session: o.Session, Passed: true, Steps: make([]mockcontrol.ReplayStep, len(s.Steps))}
	run := s.NewRun(ex)
	failed := false
	for i, st := range s.Steps {
		step := mockcontrol.ReplayStep{Name: st.Name, Method: st.Request.Method, Path: st.Request.Path, Expect: expectation(st.Expect), Outcome: mockcontrol.ReplayNotRun}
		if !failed {
			ex.last, ex.answer = nil, nil
			err := run.Step(st)
			if ex.last != nil {
				step.Path = ex.last.Path
			}
			if ex.answer != nil {
				status := ex.answer.Status
				step.Status = &status
				body := string(ex.answer.Body[:min(len(ex.answer.Body), bodyCap)])
				step.ResponseBody = &body
			}
			if err != nil {
				failed, report.Passed = true, false
				step.Outcome = mockcontrol.ReplayFailed
				problem := stepProblem(st, err)
				step.Problem = &problem
			} else {
				step.Outcome = mockcontrol.ReplayPassed
			}
		}
		report.Steps[i] = step
	}
	return report, nil
}

// stepProblem keeps the runner's reason without the file, line and step
// name the report shows already.
func stepProblem(st *scenario.Step, err error) string {
	msg := strings.TrimSpace(err.Error())
	return strings.TrimPrefix(msg, fmt.Sprintf("%s:%d: step %q: ", fileName, st.Line, st.Name))
}

func expectation(x scenario.Expect) mockcontrol.ReplayExpectation {
	out := mockcontrol.ReplayExpectation{NoAnswer: x.NoAnswer, Schema: x.Schema, Body: make([]mockcontrol.ReplayBodyCheck, 0, len(x.Body))}
	if !x.NoAnswer {
		status := x.Status
		out.Status = &status
	}
	for _, b := range x.Body {
		check := mockcontrol.ReplayBodyCheck{Path: b.Path.String()}
		if b.Pattern != nil {
			p := b.Pattern.String()
			check.Pattern = &p
		} else {
			v := b.Value
			check.Value = &v
		}
		out.Body = append(out.Body, check)
	}
	return out
}

// inProcess sends a scenario's calls through the mock's handler and keeps
// the last call and answer for the report.
type inProcess struct {
	ctx    context.Context
	o      mock.ReplayTarget
	last   *scenario.Call
	answer *scenario.Answer
}

var _ scenario.Exchanger = (*inProcess)(nil)

// prepare adds the file's fixtures and fault rules to the session through
// the control API, as the contract suite does.
func (x *inProcess) prepare(s *scenario.Scenario) error {
	if s.Fixtures != nil {
		if err := x.control(http.MethodPost, "/__mock/state", s.Fixtures, http.StatusOK, "fixtures"); err != nil {
			return err
		}
	}
	faults, err := s.ResolvedFaults()
	if err != nil {
		return &mock.ReplayRefusedError{Problems: []string{err.Error()}}
	}
	for i, f := range faults {
		if err := x.control(http.MethodPost, "/__mock/faults", f, http.StatusCreated, fmt.Sprintf("faults[%d]", i)); err != nil {
			return err
		}
	}
	return nil
}

func (x *inProcess) control(method, path string, body any, want int, what string) error {
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	a, err := x.Exchange(scenario.Call{Method: method, Path: path, Header: http.Header{}, Body: b, ContentType: "application/json"})
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if a.Status != want {
		var rejected mockcontrol.RejectedDocument
		if json.Unmarshal(a.Body, &rejected) == nil && len(rejected.Errors) > 0 {
			problems := make([]string, len(rejected.Errors))
			for i, p := range rejected.Errors {
				problems[i] = what + ": " + p
			}
			return &mock.ReplayRefusedError{Problems: problems}
		}
		return &mock.ReplayRefusedError{Problems: []string{fmt.Sprintf("%s: the mock answered %d: %s", what, a.Status, a.Body)}}
	}
	return nil
}

// Exchange serves c in-process. A dropped connection, a timeout or a
// handler that gave up is "no answer".
func (x *inProcess) Exchange(c scenario.Call) (*scenario.Answer, error) {
	x.last = &c
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = DefaultStepTimeout
	}
	ctx, cancel := context.WithTimeout(x.ctx, timeout)
	defer cancel()
	var body *bytes.Reader
	if c.Body != nil {
		body = bytes.NewReader(c.Body)
	} else {
		body = bytes.NewReader(nil)
	}
	req, err := http.NewRequestWithContext(ctx, c.Method, c.Path, body)
	if err != nil {
		return nil, err
	}
	req.RemoteAddr = "127.0.0.1:0"
	req.RequestURI = c.Path
	req.Host = "127.0.0.1"
	for k, vs := range c.Header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	if c.ContentType != "" {
		req.Header.Set("Content-Type", c.ContentType)
	}
	req.Header.Set(mock.SessionHeader, x.o.Session)
	if scenario.IsControlPath(c.Path) && x.o.ControlToken != "" {
		req.Header.Set(mock.ControlTokenHeader, x.o.ControlToken)
	}
	rec := &recorder{header: http.Header{}}
	x.o.Handler.ServeHTTP(rec, req)
	switch {
	case rec.hijacked:
		return nil, errors.New("the mock closed the connection without an answer")
	case ctx.Err() != nil:
		return nil, fmt.Errorf("no answer within %v", timeout)
	}
	status := rec.status
	if status == 0 {
		status = http.StatusOK
	}
	a := &scenario.Answer{Status: status, Header: rec.header, Body: rec.body.Bytes()}
	x.answer = a
	return a, nil
}

// Validate checks a against the OpenAPI document of c's path.
func (x *inProcess) Validate(c scenario.Call, a *scenario.Answer) error {
	name := c.Vendor
	if scenario.IsControlPath(c.Path) {
		name = openapi.MockControl
	}
	rt, err := openapi.PathRouter(name)
	if err != nil {
		return err
	}
	req, err := http.NewRequest(c.Method, c.Path, nil)
	if err != nil {
		return err
	}
	if c.ContentType != "" {
		req.Header.Set("Content-Type", c.ContentType)
	}
	route, params, err := rt.FindRoute(req)
	if err != nil {
		return fmt.Errorf("the %s document has no operation %s %s", name, c.Method, req.URL.Path)
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request: req, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
		},
		Status:  a.Status,
		Header:  a.Header,
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	in.SetBodyBytes(a.Body)
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		return fmt.Errorf("the %s OpenAPI document does not describe this answer: %v", name, err)
	}
	return nil
}

// recorder is a ResponseWriter that can be hijacked, so a fault that drops
// the connection behaves as it does on a real server.
type recorder struct {
	header   http.Header
	status   int
	body     bytes.Buffer
	hijacked bool
}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
}

func (r *recorder) Write(p []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	if room := bodyCap + 1 - r.body.Len(); room > 0 {
		r.body.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}

func (r *recorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	r.hijacked = true
	server, client := net.Pipe()
	client.Close()
	return server, bufio.NewReadWriter(bufio.NewReader(server), bufio.NewWriter(server)), nil
}
