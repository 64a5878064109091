package mock

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/vendorsuite/contracts/generated/mockcontrol"
	"github.com/vendorsuite/contracts/mock/jsonresp"
	"github.com/vendorsuite/contracts/mock/problem"
	"github.com/vendorsuite/contracts/mock/vendordef"
)

// fault is an installed rule with its counters and its own random source,
// so a seeded rule delays the same way on every run.
type fault struct {
	rule mockcontrol.FaultRule
	rng  *rand.Rand
}

// faultSet is a session's rules, tried in order.
type faultSet struct {
	mu     sync.Mutex
	rules  []*fault
	nextID int
}

func (f *faultSet) add(rule mockcontrol.FaultRule) mockcontrol.FaultRule {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.nextID++
	id := "fault-" + strconv.Itoa(f.nextID)
	rule.Id = &id
	hits := 0
	rule.Hits = &hits
	var seed uint64
	if rule.Latency != nil && rule.Latency.Seed != nil {
		seed = uint64(*rule.Latency.Seed)
	}
	added := &fault{rule: rule, rng: rand.New(rand.NewPCG(seed, 0x6d6f636b))}
	f.rules = append(f.rules, added)
	return added.snapshot()
}

// none reports whether the set has no rules, without the cost of a
// closure for take on the common path.
func (f *faultSet) none() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.rules) == 0
}

func (f *faultSet) list() []mockcontrol.FaultRule {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]mockcontrol.FaultRule, len(f.rules))
	for i, r := range f.rules {
		out[i] = r.snapshot()
	}
	return out
}

func (f *faultSet) remove(id string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := len(f.rules)
	f.rules = slices.DeleteFunc(f.rules, func(r *fault) bool { return *r.rule.Id == id })
	return len(f.rules) < n
}

func (f *faultSet) clear() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rules = nil
}

// take finds the first rule matching the request, counts the hit, retires
// the rule when its times are used up, and returns the rule with the delay
// to apply.
func (f *faultSet) take(req *http.Request, credential func() vendordef.Credential) (*mockcontrol.FaultRule, time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.rules) == 0 {
		return nil, 0
	}
	cred := credential()
	for i, r := range f.rules {
		if !r.matches(req, cred) {
			continue
		}
		*r.rule.Hits++
		rule := r.snapshot()
		delay := r.delay()
		if rule.Times != nil && *rule.Times > 0 && *r.rule.Hits >= *rule.Times {
			f.rules = slices.Delete(f.rules, i, i+1)
		}
		return &rule, delay
	}
	return nil, 0
}

// snapshot copies the rule with its hit count as it is now; the count
// keeps changing under the set's lock after the copy is handed out.
func (r *fault) snapshot() mockcontrol.FaultRule {
	rule := r.rule
	hits := *r.rule.Hits
	rule.Hits = &hits
	return rule
}

func (r *fault) matches(req *http.Request, cred vendordef.Credential) bool {
	m := r.rule.Match
	if m.Method != nil && *m.Method != "" && !strings.EqualFold(*m.Method, req.Method) {
		return false
	}
	if m.Path != nil && *m.Path != "" {
		if prefix, ok := strings.CutSuffix(*m.Path, "*"); ok {
			if !strings.HasPrefix(req.URL.Path, prefix) {
				return false
			}
		} else if *m.Path != req.URL.Path {
			return false
		}
	}
	if m.Credential != nil && *m.Credential != "" && !cred.Matches(*m.Credential) {
		return false
	}
	return true
}

func (r *fault) delay() time.Duration {
	l := r.rule.Latency
	if l == nil {
		return 0
	}
	ms := 0
	if l.FixedMs != nil {
		ms = *l.FixedMs
	}
	if l.RandomMaxMs != nil {
		lo := 0
		if l.RandomMinMs != nil {
			lo = *l.RandomMinMs
		}
		if hi := *l.RandomMaxMs; hi > lo {
			ms += lo + r.rng.IntN(hi-lo+1)
		} else {
			ms += lo
		}
	}
	return time.Duration(ms) * time.Millisecond
}

// checkFault refuses rules that cannot work, before they are installed.
func checkFault(rule mockcontrol.FaultRule) []string {
	var problems []string
	if l := rule.Latency; l != nil && l.RandomMinMs != nil && l.RandomMaxMs != nil && *l.RandomMinMs > *l.RandomMaxMs {
		problems = append(problems, "latency.randomMinMs must not exceed latency.randomMaxMs")
	}
	actions := 0
	for _, set := range []bool{rule.Drop != nil && *rule.Drop, rule.Unavailable != nil && *rule.Unavailable,
		rule.RateLimit != nil, rule.VendorError != nil, rule.Response != nil} {
		if set {
			actions++
		}
	}
	if actions > 1 {
		problems = append(problems, "a rule takes one action: drop, unavailable, rateLimit, vendorError or response")
	}
	if actions == 0 && rule.Latency == nil {
		problems = append(problems, "a rule needs an action or a latency")
	}
	if rule.ApplyFirst != nil && *rule.ApplyFirst && actions == 0 && rule.Latency == nil {
		problems = append(problems, "applyFirst needs an action or a latency")
	}
	return problems
}

// injectFaults applies the session's fault rules to vendor requests.
func (m *Mock) injectFaults(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		state := stateOf(c)
		faults := state.session.faults
		if faults.none() {
			return next(c)
		}
		rule, delay := faults.take(req, func() vendordef.Credential { return m.credentialOf(c) })
		if rule == nil {
			return next(c)
		}
		state.fault = rule
		hasAction := takesAction(rule)
		applyFirst := rule.ApplyFirst != nil && *rule.ApplyFirst
		if applyFirst || !hasAction {
			if applyFirst {
				// Carry the request out, but keep its answer from the client.
				res := c.Response()
				real := res.Writer
				res.Writer = discard{header: http.Header{}}
				err := next(c)
				if err != nil {
					c.Error(err)
				}
				res.Writer, res.Committed, res.Size, res.Status = real, false, 0, http.StatusOK
				for k := range real.Header() {
					delete(real.Header(), k)
				}
			}
			if !sleep(req.Context(), delay) {
				return nil
			}
			if !hasAction {
				if applyFirst {
					// The server did it; the client saw nothing in time.
					return m.dropConnection(c)
				}
				return next(c)
			}
		} else {
			// The handler never reads the body of a request the rule answers
			// instead; read it here so the journal (and a recording) keeps it.
			_, _ = io.Copy(io.Discard, io.LimitReader(req.Body, m.opts.MaxBodyBytes))
			if !sleep(req.Context(), delay) {
				return nil
			}
		}
		return m.respondFault(c, rule)
	}
}

// takesAction reports whether the rule answers in place of the handler
// (rather than only delaying the real answer).
func takesAction(rule *mockcontrol.FaultRule) bool {
	return (rule.Drop != nil && *rule.Drop) || (rule.Unavailable != nil && *rule.Unavailable) ||
		rule.RateLimit != nil || rule.VendorError != nil || rule.Response != nil
}

func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

func (m *Mock) respondFault(c echo.Context, rule *mockcontrol.FaultRule) error {
	switch {
	case rule.Drop != nil && *rule.Drop:
		return m.dropConnection(c)
	case rule.Unavailable != nil && *rule.Unavailable:
		return m.renderProblem(c, &problem.Problem{Kind: problem.Failure, Status: http.StatusServiceUnavailable, Message: "Service Unavailable"})
	case rule.RateLimit != nil:
		if rule.RateLimit.RetryAfterSeconds != nil {
			c.Response().Header().Set("Retry-After", strconv.Itoa(*rule.RateLimit.RetryAfterSeconds))
		}
		return m.renderProblem(c, &problem.Problem{Kind: problem.Failure, Status: http.StatusTooManyRequests, Message: "Too Many Requests"})
	case rule.VendorError != nil:
		return m.renderProblem(c, &problem.Problem{Kind: problem.Failure, Status: rule.VendorError.Status, Message: rule.VendorError.Message})
	case rule.Response != nil:
		if rule.Response.Headers != nil {
			for k, v := range *rule.Response.Headers {
				c.Response().Header().Set(k, v)
			}
		}
		if rule.Response.Body == nil {
			return c.NoContent(rule.Response.Status)
		}
		if s, ok := rule.Response.Body.(string); ok && c.Response().Header().Get(echo.HeaderContentType) != "" {
			return c.String(rule.Response.Status, s)
		}
		return jsonresp.Write(c, rule.Response.Status, rule.Response.Body)
	}
	return fmt.Errorf("fault %s has no action", *rule.Id)
}

// dropConnection closes the connection without an answer.
func (m *Mock) dropConnection(c echo.Context) error {
	if conn, _, err := http.NewResponseController(c.Response()).Hijack(); err == nil {
		c.Response().Status = 0 // journalled as "no answer"
		c.Response().Committed = true
		// Closed once the journal holds the request, so a client that
		// sees the connection drop finds the request already journalled.
		stateOf(c).drop = conn
		return nil
	}
	// No connection to drop (an in-process recorder): abort the handler,
	// which the HTTP server answers by resetting the stream.
	panic(http.ErrAbortHandler)
}

// discard swallows a response carried out under applyFirst.
type discard struct{ header http.Header }

func (d discard) Header() http.Header         { return d.header }
func (d discard) Write(p []byte) (int, error) { return len(p), nil }
func (d discard) WriteHeader(int)             {}
