package mock

import (
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/vendorsuite/contracts/generated/mockcontrol"
	"github.com/vendorsuite/contracts/mock/fixtures"
)

// SessionHeader names the session a request belongs to.
const SessionHeader = "X-Mock-Session"

// sessionPathPrefix is the path form of the header, for clients that
// cannot add headers: /__sessions/<name>/<the usual path>.
const sessionPathPrefix = "/__sessions/"

var sessionName = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

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
	sess := &session{name: name, world: &world{maxUsers: m.opts.MaxUsersPerOrganization}, journal: newJournal(m.journalSize), faults: &faultSet{}, created: now}
	sess.world.install(s)
	sess.lastUsed.Store(now.UnixNano())
	return sess
}

// sessions holds the named sessions.
type sessions struct {
	mu        sync.Mutex
	byName    map[string]*session
	idle      time.Duration
	lastSweep time.Time
}

// get returns the named session, creating it with create when absent.
func (r *sessions) get(name string, create func() (*session, error)) (*session, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sweepLocked(time.Now())
	if s, ok := r.byName[name]; ok {
		s.lastUsed.Store(time.Now().UnixNano())
		return s, nil
	}
	s, err := create()
	if err != nil {
		return nil, err
	}
	r.byName[name] = s
	return s, nil
}

func (r *sessions) put(s *session) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.byName[s.name] = s
}

func (r *sessions) remove(name string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	_, ok := r.byName[name]
	delete(r.byName, name)
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
			delete(r.byName, name)
		}
	}
}

const sessionKey = "mock.session"

// sessionOf returns the session resolved for the request.
func sessionOf(c echo.Context) *session { return c.Get(sessionKey).(*session) }

// rewriteSessionPath turns /__sessions/<name>/rest into /rest with the
// session header set, before routing.
func rewriteSessionPath(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if rest, ok := strings.CutPrefix(req.URL.Path, sessionPathPrefix); ok {
			name, path, _ := strings.Cut(rest, "/")
			req.Header.Set(SessionHeader, name)
			req.URL.Path = "/" + path
			req.URL.RawPath = ""
		}
		return next(c)
	}
}

// resolveSession finds (or creates, from the startup fixtures) the session
// the request names.
func (m *Mock) resolveSession(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		name := c.Request().Header.Get(SessionHeader)
		if name == "" {
			c.Set(sessionKey, m.main)
			return next(c)
		}
		if !sessionName.MatchString(name) {
			return controlError(c, http.StatusBadRequest, SessionHeader+" must match "+sessionName.String())
		}
		s, err := m.sessions.get(name, func() (*session, error) {
			built, err := m.startupWorld()
			if err != nil {
				return nil, err
			}
			return m.newSession(name, built), nil
		})
		if err != nil {
			return err
		}
		c.Set(sessionKey, s)
		return next(c)
	}
}

// replaceSession creates or replaces a named session's world.
func (m *Mock) replaceSession(name string, doc *fixtures.Document) (*session, error) {
	built, err := build(doc, m.opts.MaxUsersPerOrganization)
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
