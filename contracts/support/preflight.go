package support

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/onsi/ginkgo/v2/types"
)

// ProbeTimeout bounds each preflight request: an unreachable target must
// stop the run in seconds, not after every spec has timed out.
const ProbeTimeout = 5 * time.Second

// Probe is what the preflight found at one vendor's target.
type Probe struct {
	Vendor string
	// Line says what was tried and what happened, secrets left out.
	Line string
	OK   bool
}

// Preflight probes every vendor's target once, before any spec: is the
// control API there (and open), does the vendor's route answer, and, on a
// target the suite does not seed, does it accept the credentials of
// CONTRACT_FIXTURES. The probes change nothing: they send a read or a
// request the vendor refuses before acting. It sets each target's Control
// and returns one line per target; the error, when some target is
// unusable, holds all of them.
//
// selected names the vendors the run's label filter selects specs of (nil:
// all); the others are not probed, so a run limited to one vendor does not
// stop on another vendor's URL.
func (t *Targets) Preflight(selected map[string]bool) ([]Probe, error) {
	probes := make([]Probe, len(Vendors))
	var wg sync.WaitGroup
	for i, v := range Vendors {
		if selected != nil && !selected[v] {
			probes[i] = Probe{Vendor: v, OK: true, Line: v + " at " + t.byVendor[v].BaseURL + ": not probed, the label filter selects none of its specs"}
			continue
		}
		wg.Go(func() { probes[i] = t.probe(t.byVendor[v]) })
	}
	wg.Wait()
	failed := false
	lines := make([]string, len(probes))
	for i, p := range probes {
		failed = failed || !p.OK
		mark := "ok  "
		if !p.OK {
			mark = "FAIL"
		}
		lines[i] = mark + " " + p.Line
	}
	if failed {
		return probes, fmt.Errorf("preflight: a target cannot be used, no spec ran:\n%s", strings.Join(lines, "\n"))
	}
	return probes, nil
}

// VendorsSelected tells, for a ginkgo label filter, the vendors some spec
// of which it may select: a spec carries its vendor's label and any of the
// suite's other labels.
func VendorsSelected(filter string) (map[string]bool, error) {
	match, err := types.ParseLabelFilter(filter)
	if err != nil {
		return nil, err
	}
	others := []string{LabelMutating, LabelDocumentedError, LabelInferred, LabelIrreversible, "scenario"}
	out := map[string]bool{}
	for _, v := range Vendors {
		for set := 0; set < 1<<len(others) && !out[v]; set++ {
			labels := []string{v}
			for i, l := range others {
				if set&(1<<i) != 0 {
					labels = append(labels, l)
				}
			}
			out[v] = match(labels)
		}
	}
	return out, nil
}

type probeAnswer struct {
	status int
	body   string
	err    error
}

func (a probeAnswer) String() string {
	if a.err != nil {
		return "no answer (" + a.err.Error() + ")"
	}
	b := strings.Join(strings.Fields(a.body), " ")
	if len(b) > 160 {
		b = b[:160] + "…"
	}
	return fmt.Sprintf("%d %s", a.status, b)
}

func (t *Targets) send(method, url string, header http.Header, body string) probeAnswer {
	ctx, cancel := context.WithTimeout(context.Background(), ProbeTimeout)
	defer cancel()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return probeAnswer{err: err}
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := t.client.Do(req)
	if err != nil {
		return probeAnswer{err: fmt.Errorf("%s", t.scrub.Scrub(err.Error()))}
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	return probeAnswer{status: resp.StatusCode, body: t.scrub.Scrub(string(b))}
}

func (t *Targets) probe(tg *Target) Probe {
	p := Probe{Vendor: tg.Vendor}
	where := tg.Vendor + " at " + tg.BaseURL
	if tg.InProcess {
		where = tg.Vendor + " at the in-process mock " + tg.BaseURL
	}
	fail := func(format string, args ...any) Probe {
		p.Line = where + ": " + fmt.Sprintf(format, args...)
		return p
	}

	health := t.send(http.MethodGet, tg.BaseURL+"/__mock/health", http.Header{"Content-Type": {"application/json"}}, "")
	if health.err != nil {
		return fail("GET /__mock/health got %s; is the base URL right and the server up?", health)
	}
	var h struct{ Status string }
	tg.Control = health.status == http.StatusOK && json.Unmarshal([]byte(health.body), &h) == nil && h.Status == "ok"
	control := "no control API"
	switch {
	case tg.Control:
		control = "control API open"
	case health.status == http.StatusUnauthorized:
		control = "control API protected by a token the suite does not have"
	}
	if tg.Seeded && !tg.Control {
		return fail("%s=true, but GET /__mock/health answered %s (%s): seeding replaces the whole state, which only a mock of this suite with an open control API allows; against a real vendor leave %s unset",
			EnvSeed, health, control, EnvSeed)
	}

	what, check := t.vendorProbe(tg)
	ans := t.send(what.method, tg.BaseURL+what.path, what.header, what.body)
	tried := fmt.Sprintf("%s %s %s", what.method, what.path, what.with)
	if ans.err != nil {
		return fail("%s got %s", tried, ans)
	}
	if problem := check(ans); problem != "" {
		return fail("%s answered %s: %s", tried, ans, problem)
	}
	p.OK = true
	p.Line = fmt.Sprintf("%s: %s answered %d; %s", where, tried, ans.status, control)
	return p
}

type probeRequest struct {
	method, path, body string
	header             http.Header
	// with says which credentials were sent, never their values.
	with string
}

// vendorProbe picks the request that tells whether the vendor's API is at
// the target and, unless the target is seeded (then the fixtures are
// pushed first and hold by construction), whether it accepts the
// fixtures' credentials. Each vendor's probe lives with its fixture
// questions (care360.go, cl2c.go, r1discover.go).
func (t *Targets) vendorProbe(tg *Target) (probeRequest, func(probeAnswer) string) {
	useCreds := !tg.Seeded
	switch tg.Vendor {
	case Care360:
		return t.Care360().probe(useCreds)
	case CL2C:
		return t.Cl2c().probe(useCreds)
	}
	return t.R1().probe(useCreds)
}

// notAPI is the verdict on an answer that is not the named API's.
func notAPI(name string) string {
	return "this is not the " + name + " API (wrong base URL, or a proxy in the way?)"
}
