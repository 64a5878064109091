// Package ontargets replays scenarios against the contract suite's
// targets. It is apart from package scenario so that the loader and the
// runner carry no test framework: the mock's replay endpoint uses them too.
package ontargets

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"

	"github.com/vendorsuite/contracts/contracts/scenario"
	"github.com/vendorsuite/contracts/contracts/support"
)

// OnTargets replays scenarios against the contract suite's targets,
// through support.Targets (the same client, redaction and OpenAPI
// validation as every other spec).
type OnTargets struct {
	T *support.Targets
	// Session is the mock session the calls carry to targets with the
	// control API ("" for none).
	Session string
}

var _ scenario.Exchanger = OnTargets{}

// Exchange sends c to its vendor's target. Only targets with the control
// API receive the session.
func (o OnTargets) Exchange(c scenario.Call) (*scenario.Answer, error) {
	r := support.Request{Method: c.Method, Path: c.Path, Header: c.Header.Clone(), Session: o.Session, Timeout: c.Timeout, ContentType: c.ContentType}
	if c.Body != nil {
		body := string(c.Body)
		r.Raw = &body
		if r.ContentType == "" {
			r.ContentType = "-"
		}
	} else if c.ContentType != "" {
		r.Header.Set("Content-Type", c.ContentType)
	}
	resp, err := o.T.Exchange(c.Vendor, r)
	if err != nil {
		return nil, err
	}
	return &scenario.Answer{Status: resp.Status, Header: resp.Header, Body: resp.Body, Shown: resp.String(), Raw: resp}, nil
}

// Validate checks a against the OpenAPI document of c's vendor.
func (o OnTargets) Validate(c scenario.Call, a *scenario.Answer) error {
	resp, ok := a.Raw.(*support.Response)
	if !ok {
		return fmt.Errorf("the answer did not come from support.Targets")
	}
	return o.T.Validate(c.Vendor, resp)
}

// Prepared is a scenario ready to run: its session created and seeded.
type Prepared struct {
	Exchanger OnTargets
	// Skip, when set, is why the scenario cannot run against these targets.
	Skip  string
	bases []string
}

// Prepare gets the targets ready for s. On every target with the control
// API it creates the session (seeded with the suite's fixtures, so
// references resolve to what the world holds), merges the scenario's
// fixtures and adds its faults. Without the control API a scenario that
// needs it is skipped, and one that changes state runs only when the
// target allows mutations. Call Cleanup afterwards, also after a skip.
func Prepare(t *support.Targets, s *scenario.Scenario, session string) (*Prepared, error) {
	p := &Prepared{Exchanger: OnTargets{T: t, Session: session}}
	if len(s.Unmet) > 0 {
		p.Skip = "the scenario needs " + s.Needs()
		return p, nil
	}
	for _, v := range s.VendorsUsed() {
		tg := t.Target(v)
		if tg == nil {
			return nil, fmt.Errorf("no target for vendor %s", v)
		}
		if !tg.Control {
			if why := s.NeedsControl(); why != "" {
				p.Skip = fmt.Sprintf("%s, which needs the mock control API; the %s target %s has none", why, v, tg.BaseURL)
				return p, nil
			}
			if s.Mutating() && !tg.Mutations {
				p.Skip = fmt.Sprintf("the scenario changes state; the %s target is a URL without the control API and %s is not true", v, support.EnvAllowMutations)
				return p, nil
			}
			// Without a session of its own a scenario changes the target's
			// data, and nothing puts it back.
			if s.Mutating() && !tg.Irreversible {
				p.Skip = fmt.Sprintf("the scenario changes state it does not put back; the %s target has no control API for a session of its own and %s is not true",
					v, support.EnvAllowIrreversible)
				return p, nil
			}
			continue
		}
		if !slices.Contains(p.bases, tg.BaseURL) {
			if err := t.PutState(tg.BaseURL, session, t.Fixtures()); err != nil {
				return p, err
			}
			p.bases = append(p.bases, tg.BaseURL)
		}
	}
	if s.Fixtures != nil {
		if err := p.control(s.Vendor, http.MethodPost, "/__mock/state", s.Fixtures, http.StatusOK); err != nil {
			return p, fmt.Errorf("merging the scenario's fixtures: %w", err)
		}
	}
	faults, err := s.ResolvedFaults()
	if err != nil {
		return p, err
	}
	for i, f := range faults {
		if err := p.control(s.Vendor, http.MethodPost, "/__mock/faults", f, http.StatusCreated); err != nil {
			return p, fmt.Errorf("adding faults[%d]: %w", i, err)
		}
	}
	return p, nil
}

func (p *Prepared) control(vendor, method, path string, body any, want int) error {
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	c := scenario.Call{Vendor: vendor, Method: method, Path: path, Header: http.Header{}, Body: b, ContentType: "application/json"}
	a, err := p.Exchanger.Exchange(c)
	if err != nil {
		return err
	}
	if a.Status != want {
		return fmt.Errorf("expected %d, got %d\n%s", want, a.Status, a.Shown)
	}
	return p.Exchanger.Validate(c, a)
}

// Cleanup deletes the scenario's session wherever Prepare created it.
func (p *Prepared) Cleanup() error {
	for _, base := range p.bases {
		if err := p.Exchanger.T.DeleteSessionAt(base, p.Exchanger.Session); err != nil {
			return err
		}
	}
	return nil
}
