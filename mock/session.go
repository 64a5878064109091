package mock

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/vendorsuite/contracts/generated/mockcontrol"
	"github.com/vendorsuite/contracts/mock/fixtures"
	"github.com/vendorsuite/contracts/mock/problem"
	"github.com/vendorsuite/contracts/mock/vendordef"
)

// SessionHeader names the session a request belongs to.
const SessionHeader = "X-Mock-Session"

// sessionPathPrefix is the path form of the header, for clients that
// cannot add headers: /__sessions/<name>/<the usual path>.
const sessionPathPrefix = "/__sessions/"

var sessionName = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// validSessionName is sessionName.MatchString without the regexp engine,
// as every request naming a session asks it.
func validSessionName(name string) bool {
	if len(name) == 0 || len(name) > 64 {
		return false
	}
	for i := 0; i < len(name); i++ {
		switch c := name[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '.', c == '_', c == '-':
		default:
			return false
		}
	}
	return true
}

// session is an isolated world with its own journal and fault rules. The
// default session (name "") is the mock's main world and never expires.
type session struct {
	name     string
	world    *world
	journal  *journal
	faults   *faultSet
	created  time.Time
	lastUsed atomic.Int64 // unix nanoseconds
}

func (m *Mock) newSession(name string, s stores) *session {
	now := time.Now()
	sess := &session{name: name, world: &world{maxUsers: m.opts.MaxUsersPerOrganization, vendors: m.known},
		journal: newJournal(m.journalSize, m.opts.JournalBytes, m.journalBudget), faults: &faultSet{}, created: now}
	sess.world.install(s)
	sess.lastUsed.Store(now.UnixNano())
	return sess
}

// sessions holds the named sessions.
type sessions struct {
	mu        sync.Mutex
	byName    map[string]*session
	idle      time.Duration
	max       int
	lastSweep time.Time
}

// errTooManySessions refuses a session beyond the --max-sessions cap.
var errTooManySessions = errors.New("too many sessions")

// errNoSession refuses a request that names a session that does not exist
// and may not create it.
var errNoSession = errors.New("no such session")

// get returns the named session. An absent one is created with create
// when create is not nil and the cap allows, else errNoSession or
// errTooManySessions.
func (r *sessions) get(name string, create func() (*session, error)) (*session, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := time.Now()
	r.sweepLocked(now)
	if s, ok := r.byName[name]; ok {
		s.lastUsed.Store(now.UnixNano())
		return s, nil
	}
	if create == nil {
		return nil, errNoSession
	}
	if len(r.byName) >= r.max {
		return nil, errTooManySessions
	}
	s, err := create()
	if err != nil {
		return nil, err
	}
	r.byName[name] = s
	return s, nil
}

func (r *sessions) remove(name string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	s, ok := r.byName[name]
	if ok {
		s.journal.retire()
		delete(r.byName, name)
	}
	return ok
}

func (r *sessions) list() []mockcontrol.SessionInfo {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sweepLocked(time.Now())
	out := make([]mockcontrol.SessionInfo, 0, len(r.byName))
	for _, s := range r.byName {
		out = append(out, mockcontrol.SessionInfo{
			Name:       s.name,
			CreatedAt:  s.created.UTC().Format(time.RFC3339Nano),
			LastUsedAt: time.Unix(0, s.lastUsed.Load()).UTC().Format(time.RFC3339Nano),
		})
	}
	slices.SortFunc(out, func(a, b mockcontrol.SessionInfo) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// sweepLocked drops sessions idle for longer than r.idle, at most once a
// second so busy servers do not pay for it on every request.
func (r *sessions) sweepLocked(now time.Time) {
	if r.idle <= 0 || now.Sub(r.lastSweep) < time.Second {
		return
	}
	r.lastSweep = now
	cutoff := now.Add(-r.idle).UnixNano()
	for name, s := range r.byName {
		if s.lastUsed.Load() < cutoff {
			s.journal.retire()
			delete(r.byName, name)
		}
	}
}

// sessionOf returns the session resolved for the request.
func sessionOf(c echo.Context) *session { return stateOf(c).session }

// rewriteSessionPath turns /__sessions/<name>/rest into /rest with the
// session header set, before routing. An empty name stays empty in the
// header, which resolveSession refuses.
func rewriteSessionPath(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if rest, ok := strings.CutPrefix(req.URL.Path, sessionPathPrefix); ok {
			name, path, _ := strings.Cut(rest, "/")
			req.Header[SessionHeader] = []string{name}
			req.URL.Path = "/" + path
			req.URL.RawPath = ""
		}
		return next(c)
	}
}

// resolveSession finds the session the request names. A session comes
// into being only by a control call (which the control token and guards
// protect) or by a vendor request carrying a credential of the startup
// fixtures, so requests anyone can send (no credential, a wrong one, an
// unknown path) never cost a world.
func (m *Mock) resolveSession(control bool) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc { return m.resolveSessionFor(next, control) }
}

func (m *Mock) resolveSessionFor(next echo.HandlerFunc, control bool) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		names, named := req.Header[SessionHeader]
		if !named {
			stateOf(c).session = m.main
			return next(c)
		}
		name := ""
		if len(names) > 0 {
			name = names[0]
		}
		if len(names) != 1 || !validSessionName(name) {
			return m.renderProblem(c, &problem.Problem{Kind: problem.Failure, Status: http.StatusBadRequest,
				Message: "The session name " + strconv.Quote(name) + " is not valid: it must match " + sessionName.String()})
		}
		var create func() (*session, error)
		if control || m.startupCredentials[m.credentialOf(c)] {
			create = func() (*session, error) {
				built, err := m.startupWorld()
				if err != nil {
					return nil, err
				}
				return m.newSession(name, built), nil
			}
		}
		s, err := m.sessions.get(name, create)
		if err != nil {
			return m.sessionRefused(c, name, err)
		}
		stateOf(c).session = s
		return next(c)
	}
}

// sessionRefused answers a request whose session cannot be had.
func (m *Mock) sessionRefused(c echo.Context, name string, err error) error {
	switch {
	case errors.Is(err, errTooManySessions):
		return m.renderProblem(c, &problem.Problem{Kind: problem.Failure, Status: http.StatusTooManyRequests,
			Message: fmt.Sprintf("The mock already holds %d sessions, its limit (--max-sessions); delete one with DELETE /__mock/sessions/<name>", m.sessions.max)})
	case errors.Is(err, errNoSession):
		return m.renderProblem(c, &problem.Problem{Kind: problem.Failure, Status: http.StatusNotFound,
			Message: "No session " + name + ": create it with PUT /__mock/sessions/" + name + "/state, or send a credential of the startup fixtures"})
	}
	return err
}

// credentialsOf lists the credentials a fixture document opens, to tell
// which requests may create a session from it.
func credentialsOf(vendors []vendordef.Vendor, doc *fixtures.Document) map[vendordef.Credential]bool {
	out := map[vendordef.Credential]bool{}
	for _, v := range vendors {
		for _, c := range v.Credentials(doc) {
			c.Account = "" // a request's credential carries no account name
			out[c] = true
		}
	}
	return out
}

// replaceSession creates or replaces a named session's world.
func (m *Mock) replaceSession(name string, doc *fixtures.Document) (*session, error) {
	built, err := build(m.known, doc, m.opts.MaxUsersPerOrganization)
	if err != nil {
		return nil, err
	}
	created := false
	s, err := m.sessions.get(name, func() (*session, error) { created = true; return m.newSession(name, built), nil })
	if err != nil || created {
		return s, err
	}
	s.world.mu.Lock()
	defer s.world.mu.Unlock()
	s.world.install(built)
	return s, nil
}
