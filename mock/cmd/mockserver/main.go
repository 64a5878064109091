// Command mockserver serves the Care360, CL2C and R1 Discover mocks and
// their control API on one port.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/vendorsuite/contracts/mock"
	"github.com/vendorsuite/contracts/mock/console"
	"github.com/vendorsuite/contracts/mock/fixtures"
	"github.com/vendorsuite/contracts/mock/registry"
	"github.com/vendorsuite/contracts/mock/replay"
	"github.com/vendorsuite/contracts/mock/statefile"
	"github.com/vendorsuite/contracts/openapi"
)

// tidyDelay is how long a small world is served before startup's garbage
// is handed back to the system: long enough for the first requests of a
// client that waited for the server, short enough that the resident size
// soon shows the world alone.
const tidyDelay = 200 * time.Millisecond

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "mockserver:", err)
		os.Exit(1)
	}
}

type config struct {
	addr            string
	fixtures        string
	vendors         string
	logLevel        string
	controlToken    string
	insecureControl bool
	noControl       bool
	stateFile       string
	saveInterval    time.Duration
	saveWrites      uint64
	journalSize     int
	journalBytes    int64
	journalTotal    int64
	maxSessions     int
	sessionIdle     time.Duration
	maxBody         int64
	maxControl      int64
	maxHeader       int
	maxUsers        int
	readTimeout     time.Duration
	writeTimeout    time.Duration
	idleTimeout     time.Duration
	gcMinHeap       int64
	version         bool
}

func parseFlags(args []string, out io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("mockserver", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.StringVar(&c.addr, "addr", "127.0.0.1:8080", "`host:port` to listen on (port 0 picks a free port)")
	fs.StringVar(&c.fixtures, "fixtures", "", "fixture document (JSON or YAML) to start from and to reset to;\nthe embedded default fixtures when empty")
	fs.StringVar(&c.vendors, "vendors", strings.Join(registry.Names(), ","), "comma-separated `list` of vendors to serve")
	fs.StringVar(&c.logLevel, "log-level", "info", "log `level`: debug, info (one line per request), warn or error")
	fs.StringVar(&c.controlToken, "control-token", os.Getenv("MOCK_CONTROL_TOKEN"), "`token` the control API requires in the X-Mock-Control-Token header\n(default: the MOCK_CONTROL_TOKEN environment variable)")
	fs.BoolVar(&c.insecureControl, "insecure-control", false, "serve an unprotected control API on a non-loopback address anyway")
	fs.BoolVar(&c.noControl, "no-control", false, "serve no control API (and no QA console) at all")
	fs.StringVar(&c.stateFile, "state-file", "", "`path` to load the state from at start and to save it to (atomically)\nperiodically and on shutdown")
	fs.DurationVar(&c.saveInterval, "save-interval", 5*time.Second, "with --state-file, save changes at least this often")
	fs.Uint64Var(&c.saveWrites, "save-writes", 100, "with --state-file, also save as soon as this many writes are unsaved;\n1 saves every write before answering it (no acknowledged write is lost)")
	fs.IntVar(&c.journalSize, "journal-size", mock.DefaultJournalSize, "requests each session's journal keeps")
	fs.Int64Var(&c.journalBytes, "journal-bytes", mock.DefaultJournalBytes, "bytes each session's journal keeps (oldest requests dropped first)")
	fs.Int64Var(&c.journalTotal, "journal-total-bytes", mock.DefaultJournalTotalBytes, "bytes all journals keep together")
	fs.IntVar(&c.maxSessions, "max-sessions", mock.DefaultMaxSessions, "most named sessions at once; more are refused with 429")
	fs.DurationVar(&c.sessionIdle, "session-idle", 30*time.Minute, "remove named sessions unused for this long")
	fs.Int64Var(&c.maxBody, "max-body-bytes", 1<<20, "largest vendor request body")
	fs.Int64Var(&c.maxControl, "max-control-bytes", 64<<20, "largest control API document (JSON; YAML is limited to 2 MiB)")
	fs.IntVar(&c.maxHeader, "max-header-bytes", 64<<10, "largest total size of a request's headers")
	fs.IntVar(&c.maxUsers, "max-users-per-org", 2_000_000, "most users one Care360 organization, CL2C tenant or R1 company may hold")
	fs.DurationVar(&c.readTimeout, "read-timeout", 30*time.Second, "time to read a whole request")
	fs.DurationVar(&c.writeTimeout, "write-timeout", 5*time.Minute, "time to write a response (fault latencies count)")
	fs.DurationVar(&c.idleTimeout, "idle-timeout", 2*time.Minute, "keep-alive connections idle longer are closed")
	fs.Int64Var(&c.gcMinHeap, "gc-min-heap", 64<<20, "`bytes` of heap the garbage collector may always grow to before collecting\n(GOGC's percentage applies above; 0 collects as GOGC alone says)")
	fs.BoolVar(&c.version, "version", false, "print the version, commit and build date, then exit")
	fs.Usage = func() {
		fmt.Fprintf(out, "Usage: mockserver [flags]\n       mockserver healthcheck [flags]\n\nServes stateful mocks of the Care360, CL2C and R1 Discover user APIs and\nthe /__mock/ control API on one port.\n\nEvery flag but --version can also be set by an environment variable: MOCK_ and\nthe flag's name in capitals with _ for -, e.g. MOCK_STATE_FILE; the command\nline wins.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := setFlagsFromEnv(fs); err != nil {
		return c, err
	}
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	explicit := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { explicit[f.Name] = true })
	if explicit["control-token"] && c.controlToken == "" && os.Getenv("MOCK_CONTROL_TOKEN") != "" {
		return c, errors.New("--control-token is empty but MOCK_CONTROL_TOKEN is set: an empty flag would switch the token off; " +
			"unset MOCK_CONTROL_TOKEN to run without a token, or drop the flag to use it")
	}
	if c.saveWrites == 0 {
		return c, errors.New("--save-writes must be at least 1")
	}
	return c, nil
}

// isLoopback reports whether addr listens on loopback only.
func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func run(ctx context.Context, args []string, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "healthcheck" {
		return runHealthcheck(ctx, args[1:], stderr)
	}
	cfg, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	if cfg.version {
		printVersion()
		return nil
	}
	// Parsing the OpenAPI documents is most of the startup; it runs
	// alongside the fixtures' loading and checking.
	openapi.Preload()
	// Startup allocates much and keeps little: a small world starts in
	// far less CPU with the collector held off until it serves. Large
	// files keep it on, as their garbage would pile up.
	small := smallStart(cfg)
	releaseCollector := func() {}
	if small {
		releaseCollector = holdCollector()
	}
	defer releaseCollector() // on the ways out before serving
	var level slog.Level
	if err := level.UnmarshalText([]byte(cfg.logLevel)); err != nil {
		return fmt.Errorf("--log-level: %w", err)
	}
	// Lines are gathered and written in batches: one write per request
	// would be a system call each. Close writes the last of them.
	logOut := newBatchWriter(stderr)
	defer logOut.Close()
	logger := slog.New(mock.NewLogHandler(logOut, &slog.HandlerOptions{Level: level}))

	if !cfg.noControl && cfg.controlToken == "" && !cfg.insecureControl && !isLoopback(cfg.addr) {
		return fmt.Errorf("refusing to serve the control API without a token on %s, which is reachable from other hosts: "+
			"anyone there could replace the state; set --control-token (or MOCK_CONTROL_TOKEN), use --no-control "+
			"(MOCK_NO_CONTROL=true), or pass --insecure-control (MOCK_INSECURE_CONTROL=true) if this is really wanted", cfg.addr)
	}

	opts := mock.Options{
		Logger: logger, ControlToken: cfg.controlToken, NoControl: cfg.noControl,
		LocalControl: cfg.controlToken == "" && !cfg.insecureControl,
		JournalSize:  cfg.journalSize, JournalBytes: cfg.journalBytes, JournalTotalBytes: cfg.journalTotal,
		MaxSessions: cfg.maxSessions, SessionIdle: cfg.sessionIdle, MaxBodyBytes: cfg.maxBody, MaxControlBodyBytes: cfg.maxControl,
		MaxHeaderBytes: cfg.maxHeader, MaxUsersPerOrganization: cfg.maxUsers,
		Replay: replay.Run,
	}
	var saver *saver
	if cfg.stateFile != "" {
		removed, err := statefile.Prepare(cfg.stateFile)
		for _, f := range removed {
			logger.Warn("removed a temporary file an interrupted save left behind", "file", f)
		}
		if err != nil {
			return err
		}
		saver = newSaver(cfg.stateFile, logger)
		if cfg.saveWrites == 1 {
			opts.Commit = saver.commit
		}
	}
	if cfg.vendors != "" {
		opts.Vendors = strings.Split(cfg.vendors, ",")
	}
	if cfg.fixtures != "" {
		doc, err := fixtures.Load(cfg.fixtures)
		if err != nil {
			return fmt.Errorf("--fixtures: %w", err)
		}
		opts.Fixtures = doc
	}
	m, err := mock.New(opts)
	if err != nil {
		if rejected := (*fixtures.RejectedError)(nil); cfg.fixtures != "" && errors.As(err, &rejected) {
			return fmt.Errorf("--fixtures: %s: %w", cfg.fixtures, err)
		}
		return fmt.Errorf("cannot start: %w", err)
	}
	if saver != nil {
		saver.m = m
	}
	if cfg.stateFile != "" {
		doc, found, err := statefile.Load(cfg.stateFile)
		if err != nil {
			return err
		}
		if found {
			if err := m.ReplaceState(doc); err != nil {
				return fmt.Errorf("state file %s cannot be used: %w", cfg.stateFile, err)
			}
		}
	}

	releaseCollector()
	defer keepHeapFloor(cfg.gcMinHeap)()
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %w", cfg.addr, err)
	}
	// Loading a world leaves its parse garbage behind, partly in
	// sync.Pools that outlive one collection; hand it back to the system
	// so the resident size is the world's. A large world waits for it
	// before serving, as its first answers would otherwise race two full
	// collections; a small one is served at once and tidied a moment
	// later, so its first answers do not share two cores with two full
	// collections either.
	returnMemory := func() {
		debug.FreeOSMemory()
		debug.FreeOSMemory()
	}
	if small {
		tidy := time.AfterFunc(tidyDelay, returnMemory)
		defer tidy.Stop()
	} else {
		returnMemory()
	}
	srv := &http.Server{
		Handler:           m,
		ReadHeaderTimeout: min(cfg.readTimeout, 10*time.Second),
		ReadTimeout:       cfg.readTimeout,
		WriteTimeout:      cfg.writeTimeout,
		IdleTimeout:       cfg.idleTimeout,
		// The mock refuses oversized headers itself, in the vendor's
		// envelope; the server's own cap only stops abuse.
		MaxHeaderBytes: 4 * cfg.maxHeader,
		ErrorLog:       slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	if saver != nil {
		saver.start(cfg.saveInterval, cfg.saveWrites)
	}
	logger.Info("serving", "addr", ln.Addr().String(), "vendors", strings.Join(m.Vendors(), ","),
		"fixtures", fixturesName(cfg.fixtures), "control", controlMode(cfg), "stateFile", cfg.stateFile)
	if !cfg.noControl {
		logger.Info("QA console", "url", "http://"+ln.Addr().String()+console.Prefix)
	}

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	shutdownErr := srv.Shutdown(shutdownCtx)
	if saver != nil {
		if err := saver.stop(); err != nil {
			return fmt.Errorf("saving state on shutdown: %w", err)
		}
	}
	if shutdownErr != nil {
		return fmt.Errorf("shutdown: %w", shutdownErr)
	}
	return nil
}

// smallStartBytes is the size up to which the fixtures and state files
// count as small: a few thousand users.
const smallStartBytes = 4 << 20

// smallStart reports whether the files this start loads are small.
func smallStart(cfg config) bool {
	for _, path := range []string{cfg.fixtures, cfg.stateFile} {
		if path == "" {
			continue
		}
		if info, err := os.Stat(path); err == nil && info.Size() > smallStartBytes {
			return false
		}
	}
	return true
}

func controlMode(cfg config) string {
	switch {
	case cfg.noControl:
		return "off"
	case cfg.controlToken != "":
		return "token"
	}
	return "open"
}

func fixturesName(path string) string {
	if path == "" {
		return "embedded defaults"
	}
	return path
}

// saver writes the default world to the state file when it changed: after
// saveWrites writes, or at least every interval, and once more on stop;
// with --save-writes 1, also before each write is answered (commit). Saves
// never overlap, so an older snapshot can never replace a newer one, and
// writers that wait together share one save.
type saver struct {
	m        *mock.Mock
	path     string
	log      *slog.Logger
	done     chan struct{}
	finished chan error

	mu     sync.Mutex
	cond   *sync.Cond
	saving bool
	saved  uint64 // Changes() that the file on disk includes
}

func newSaver(path string, log *slog.Logger) *saver {
	s := &saver{path: path, log: log, done: make(chan struct{}), finished: make(chan error, 1)}
	s.cond = sync.NewCond(&s.mu)
	return s
}

func (s *saver) start(interval time.Duration, writes uint64) {
	s.mu.Lock()
	s.saved = s.m.Changes()
	s.mu.Unlock()
	go func() {
		poll := time.NewTicker(min(interval, 100*time.Millisecond))
		defer poll.Stop()
		last := time.Now()
		for {
			select {
			case <-s.done:
				s.finished <- s.saveThrough(s.m.Changes())
				return
			case now := <-poll.C:
				s.mu.Lock()
				pending := s.m.Changes() - s.saved
				s.mu.Unlock()
				// A failed save leaves its changes pending, so it is
				// retried every interval until one succeeds.
				if pending > 0 && (pending >= writes || now.Sub(last) >= interval) {
					_ = s.saveThrough(s.m.Changes())
					last = now
				}
			}
		}
	}()
}

// commit returns once the file holds every change up to changes.
func (s *saver) commit(changes uint64) error { return s.saveThrough(changes) }

// saveThrough saves unless the file already holds changes, waiting for a
// save under way rather than starting a second one.
func (s *saver) saveThrough(changes uint64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for s.saved < changes {
		if s.saving {
			s.cond.Wait()
			continue
		}
		s.saving = true
		s.mu.Unlock()
		through, err := s.save()
		s.mu.Lock()
		s.saving = false
		s.cond.Broadcast()
		if err != nil {
			return err
		}
		s.saved = max(s.saved, through)
	}
	return nil
}

// save writes the current state and reports the changes it includes;
// failures mark the mock unhealthy until a save succeeds.
func (s *saver) save() (uint64, error) {
	changes := s.m.Changes()
	if err := statefile.Save(s.path, s.m.State()); err != nil {
		if s.m.SaveProblem() == "" {
			s.log.Error("saving state failed; vendor writes are refused until a save succeeds", "path", s.path, "error", err)
		}
		s.m.SetSaveProblem("saving the state file failed: " + err.Error())
		return 0, err
	}
	if s.m.SaveProblem() != "" {
		s.log.Info("state saved again; writes are accepted", "path", s.path)
		s.m.SetSaveProblem("")
	}
	s.log.Debug("state saved", "path", s.path, "changes", changes)
	return changes, nil
}

func (s *saver) stop() error {
	close(s.done)
	return <-s.finished
}
