// Package support is the contract specs' toolbox: where the targets are
// (environment), what accounts they hold (fixture queries), and one HTTP
// helper that every request goes through, which checks each response
// against the vendor's OpenAPI document and keeps secrets out of reports.
package support

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/vendorsuite/contracts/generated/mockcontrol"
	"github.com/vendorsuite/contracts/mock/fixtures"
	"github.com/vendorsuite/contracts/mock/registry"
)

// Vendor names, as labels, fixture sections and OpenAPI documents spell them.
const (
	Care360    = "care360"
	CL2C       = "cl2c"
	R1Discover = "r1discover"
)

// Vendors lists every vendor the suite covers: the mock registry's.
var Vendors = registry.Names()

// Labels of the suite (besides the vendor names).
const (
	LabelMutating        = "mutating"
	LabelDocumentedError = "documented-error"
	LabelInferred        = "inferred"
	// LabelIrreversible marks a mutating spec that changes something the
	// API gives no way to read back or clear (a CL2C push token): against
	// a URL it runs only with CONTRACT_ALLOW_IRREVERSIBLE=true, or when
	// the target is seeded (the fixtures are pushed again afterwards).
	LabelIrreversible = "irreversible"
)

// Environment variables, as contracts/README.md documents them.
const (
	EnvBaseURL        = "CONTRACT_BASE_URL"
	EnvFixtures       = "CONTRACT_FIXTURES"
	EnvSeed           = "CONTRACT_SEED"
	EnvAllowMutations = "CONTRACT_ALLOW_MUTATIONS"
	// EnvAllowIrreversible lets specs labelled irreversible change a URL
	// target although they cannot put everything back.
	EnvAllowIrreversible = "CONTRACT_ALLOW_IRREVERSIBLE"
	// EnvRecord makes every spec record its exchanges in its report (the
	// fidelity run sets it).
	EnvRecord = "CONTRACT_RECORD"
)

// EnvBaseURLFor is the per-vendor override, e.g. CONTRACT_BASE_URL_CARE360.
func EnvBaseURLFor(vendor string) string { return EnvBaseURL + "_" + strings.ToUpper(vendor) }

// Config is what the environment asks for.
type Config struct {
	// URLs maps a vendor to the base URL given for it; a vendor missing
	// here is served by the in-process mock.
	URLs map[string]string
	// FixturesPath is CONTRACT_FIXTURES; empty means the embedded defaults.
	FixturesPath string
	// Seed is CONTRACT_SEED; nil when unset.
	Seed *bool
	// AllowMutations is CONTRACT_ALLOW_MUTATIONS == "true".
	AllowMutations bool
	// ControlToken is CONTRACT_CONTROL_TOKEN, sent on control API calls.
	ControlToken string
	// AllowIrreversible is CONTRACT_ALLOW_IRREVERSIBLE == "true".
	AllowIrreversible bool
	// Record is CONTRACT_RECORD == "true".
	Record bool
	// LookupEnv resolves the fixtures file's ${NAME} references; nil
	// means os.LookupEnv.
	LookupEnv func(string) (string, bool)
}

// ConfigFromEnv reads the suite's environment variables.
func ConfigFromEnv() (Config, error) {
	c := Config{URLs: map[string]string{}, FixturesPath: os.Getenv(EnvFixtures), ControlToken: os.Getenv(EnvControlToken)}
	all := strings.TrimRight(strings.TrimSpace(os.Getenv(EnvBaseURL)), "/")
	for _, v := range Vendors {
		u := strings.TrimRight(strings.TrimSpace(os.Getenv(EnvBaseURLFor(v))), "/")
		if u == "" {
			u = all
		}
		if u != "" {
			if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
				return c, fmt.Errorf("%s: %q is not an http(s) URL", EnvBaseURLFor(v), u)
			}
			c.URLs[v] = u
		}
	}
	if s := strings.TrimSpace(os.Getenv(EnvSeed)); s != "" {
		b, err := strconv.ParseBool(s)
		if err != nil {
			return c, fmt.Errorf("%s=%q: want true or false", EnvSeed, s)
		}
		c.Seed = &b
	}
	c.AllowMutations = strings.TrimSpace(os.Getenv(EnvAllowMutations)) == "true"
	c.AllowIrreversible = strings.TrimSpace(os.Getenv(EnvAllowIrreversible)) == "true"
	c.Record = strings.TrimSpace(os.Getenv(EnvRecord)) == "true"
	return c, nil
}

// NeedsInProcess reports whether some vendor has no URL and so needs the
// in-process mock.
func (c Config) NeedsInProcess() bool { return len(c.URLs) < len(Vendors) }

// LoadFixtures reads CONTRACT_FIXTURES, or the mock's embedded defaults.
// The file may name environment variables as ${NAME} (upper case, digits
// and underscores) anywhere, e.g. apiKeys: ["${CARE360_STAGING_KEY}"]:
// credentials then come from a CI secret store and the file itself holds
// none. A variable that is not set is an error.
func (c Config) LoadFixtures() (*fixtures.Document, error) {
	if c.FixturesPath == "" {
		return fixtures.Default(), nil
	}
	data, err := os.ReadFile(c.FixturesPath)
	if err != nil {
		return nil, err
	}
	var unset []string
	lines := bytes.Split(data, []byte("\n"))
	for i, line := range lines {
		if bytes.HasPrefix(bytes.TrimSpace(line), []byte("#")) {
			continue // a comment may mention ${NAME} without meaning it
		}
		lines[i] = envRef.ReplaceAllFunc(line, func(m []byte) []byte {
			name := string(m[2 : len(m)-1])
			lookup := c.LookupEnv
			if lookup == nil {
				lookup = os.LookupEnv
			}
			v, ok := lookup(name)
			if !ok || v == "" {
				unset = append(unset, name)
			}
			return []byte(v)
		})
	}
	data = bytes.Join(lines, []byte("\n"))
	if len(unset) > 0 {
		return nil, fmt.Errorf("%s names environment variables that are not set: %s", c.FixturesPath, strings.Join(unset, ", "))
	}
	doc, err := fixtures.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", c.FixturesPath, err)
	}
	return doc, nil
}

// envRef is a reference to an environment variable in a fixtures file.
var envRef = regexp.MustCompile(`\$\{[A-Z_][A-Z0-9_]*\}`)

// Target is where one vendor's requests go.
type Target struct {
	Vendor  string
	BaseURL string
	// InProcess: the suite's own mock serves this vendor.
	InProcess bool
	// Seeded: the fixtures were pushed to BaseURL/__mock/state.
	Seeded bool
	// Mutations: specs labelled mutating may run.
	Mutations bool
	// Irreversible: specs labelled irreversible may run.
	Irreversible bool
	// Control: BaseURL answers the mock control API (/__mock/health),
	// without a control token. Set by Preflight.
	Control bool
}

// Targets is the suite's view of the world: one Target per vendor and the
// fixture document that says which accounts they hold.
type Targets struct {
	byVendor map[string]*Target
	doc      *fixtures.Document
	client   *http.Client
	// session is the mock session every request to a seeded target
	// carries, "" for the default world (UseSession).
	session   string
	scrub     *Scrubber
	recording bool
}

// SessionHeader names the mock session a request belongs to.
const SessionHeader = "X-Mock-Session"

// NewTargets resolves every vendor's target. inProcessURL is the base URL
// of the suite's own mock ("" when none runs). It sends nothing: Preflight
// probes the targets, once, and tells which have the control API.
func NewTargets(c Config, inProcessURL string) (*Targets, error) {
	doc, err := c.LoadFixtures()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", EnvFixtures, err)
	}
	t := &Targets{byVendor: map[string]*Target{}, doc: doc, client: newHTTPClient(c.ControlToken),
		scrub: NewScrubber(append(SecretsOf(doc), c.ControlToken)...), recording: c.Record}
	for _, v := range Vendors {
		tg := &Target{Vendor: v}
		if u, ok := c.URLs[v]; ok {
			tg.BaseURL = u
			tg.Seeded = c.Seed != nil && *c.Seed
			tg.Mutations = c.AllowMutations
			tg.Irreversible = c.AllowIrreversible || tg.Seeded
		} else {
			if inProcessURL == "" {
				return nil, fmt.Errorf("%s: no URL and no in-process mock", v)
			}
			tg.BaseURL, tg.InProcess, tg.Mutations, tg.Irreversible = inProcessURL, true, true, true
			tg.Seeded = c.Seed == nil || *c.Seed
		}
		t.byVendor[v] = tg
	}
	return t, nil
}

// Scrub hides the fixtures' credentials in text.
func (t *Targets) Scrub(text string) string { return t.scrub.Scrub(text) }

// Target returns vendor's target.
func (t *Targets) Target(vendor string) *Target { return t.byVendor[vendor] }

// Fixtures is the fixture document describing the targets' accounts.
// Treat it as read-only.
func (t *Targets) Fixtures() *fixtures.Document { return t.doc }

// distinctSeeded lists the base URLs to seed, each once.
func (t *Targets) distinctSeeded() []string {
	var out []string
	for _, v := range Vendors {
		if tg := t.byVendor[v]; tg.Seeded && !slices.Contains(out, tg.BaseURL) {
			out = append(out, tg.BaseURL)
		}
	}
	return out
}

// Seed pushes the fixtures to every seeded target, replacing its state:
// the suite's session (PUT /__mock/sessions/<name>/state) once UseSession
// named one, else the default world (PUT /__mock/state). It is what the
// suite runs first, and what mutating specs run last as a safety net
// after their own restore.
func (t *Targets) Seed() error {
	for _, base := range t.distinctSeeded() {
		if err := t.PutState(base, t.session, t.doc); err != nil {
			return err
		}
	}
	return nil
}

// control is the generated control API client of the mock at base, on the
// suite's HTTP client (which adds the control token).
func (t *Targets) control(base string) (*mockcontrol.Client, error) {
	return mockcontrol.NewClient(base, mockcontrol.WithHTTPClient(t.client))
}

// asJSON marks a control call as JSON: a mock without a control token
// refuses state-changing control calls without it, bodyless ones included
// (a web page cannot send it cross-site).
func asJSON(_ context.Context, req *http.Request) error {
	req.Header.Set("Content-Type", "application/json")
	return nil
}

// answered reads a control call's answer and checks its status.
func answered(resp *http.Response, err error, want ...int) error {
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if !slices.Contains(want, resp.StatusCode) {
		return fmt.Errorf("%s %s answered %d: %s", resp.Request.Method, resp.Request.URL.Path, resp.StatusCode, body)
	}
	return nil
}

// PutState replaces the state of the mock at base with doc: the named
// session's, or the default world's when session is "".
func (t *Targets) PutState(base, session string, doc *fixtures.Document) error {
	c, err := t.control(base)
	if err != nil {
		return err
	}
	ctx := context.Background()
	var resp *http.Response
	if session == "" {
		resp, err = c.ReplaceState(ctx, *doc)
	} else {
		resp, err = c.ReplaceSessionState(ctx, session, *doc)
	}
	if err := answered(resp, err, http.StatusOK); err != nil {
		return fmt.Errorf("seeding %s: %w", base, err)
	}
	return nil
}

// UseSession makes every request to a seeded target carry
// X-Mock-Session: name, so the suite works in its own world of the mock
// (parallel processes sharing one mock then never see each other's
// changes). Seed then seeds that session instead of the default world.
// Targets that are not seeded keep the default world. Call it before Seed.
func (t *Targets) UseSession(name string) { t.session = name }

// Session is the suite's mock session ("" for the default world).
func (t *Targets) Session() string { return t.session }

// DeleteSession removes the suite's session from every seeded target.
func (t *Targets) DeleteSession() error {
	if t.session == "" {
		return nil
	}
	for _, base := range t.distinctSeeded() {
		if err := t.DeleteSessionAt(base, t.session); err != nil {
			return err
		}
	}
	return nil
}

// DeleteSessionAt removes the named session from the mock at base; a
// session that no longer exists is fine.
func (t *Targets) DeleteSessionAt(base, name string) error {
	c, err := t.control(base)
	if err != nil {
		return err
	}
	resp, err := c.DeleteSession(context.Background(), name, asJSON)
	if err := answered(resp, err, http.StatusNoContent, http.StatusNotFound); err != nil {
		return fmt.Errorf("deleting session %s at %s: %w", name, base, err)
	}
	return nil
}

// sessionFor is the X-Mock-Session a request to tg carries: the request's
// own session on a target with the control API, else the suite's session
// on a seeded target, else none.
func (t *Targets) sessionFor(tg *Target, own string) string {
	switch {
	case own != "" && tg.Control:
		return own
	case t.session != "" && tg.Seeded:
		return t.session
	}
	return ""
}
