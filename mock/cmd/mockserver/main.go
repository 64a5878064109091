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
	"syscall"
	"time"

	"github.com/vendorsuite/contracts/mock"
	"github.com/vendorsuite/contracts/mock/fixtures"
	"github.com/vendorsuite/contracts/mock/statefile"
)

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
	sessionIdle     time.Duration
	maxBody         int64
	maxHeader       int
	maxUsers        int
	readTimeout     time.Duration
	writeTimeout    time.Duration
	idleTimeout     time.Duration
	version         bool
}

func parseFlags(args []string, out io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("mockserver", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.StringVar(&c.addr, "addr", "127.0.0.1:8080", "`host:port` to listen on (port 0 picks a free port)")
	fs.StringVar(&c.fixtures, "fixtures", "", "fixture document (JSON or YAML) to start from and to reset to;\nthe embedded default fixtures when empty")
	fs.StringVar(&c.vendors, "vendors", strings.Join(mock.AllVendors, ","), "comma-separated `list` of vendors to serve")
	fs.StringVar(&c.logLevel, "log-level", "info", "log `level`: debug, info (one line per request), warn or error")
	fs.StringVar(&c.controlToken, "control-token", os.Getenv("MOCK_CONTROL_TOKEN"), "`token` the control API requires in the X-Mock-Control-Token header\n(default: the MOCK_CONTROL_TOKEN environment variable)")
	fs.BoolVar(&c.insecureControl, "insecure-control", false, "serve an unprotected control API on a non-loopback address anyway")
	fs.BoolVar(&c.noControl, "no-control", false, "serve no control API at all")
	fs.StringVar(&c.stateFile, "state-file", "", "`path` to load the state from at start and to save it to (atomically)\nperiodically and on shutdown")
	fs.DurationVar(&c.saveInterval, "save-interval", 5*time.Second, "with --state-file, save changes at least this often")
	fs.Uint64Var(&c.saveWrites, "save-writes", 100, "with --state-file, also save as soon as this many writes are unsaved")
	fs.IntVar(&c.journalSize, "journal-size", mock.DefaultJournalSize, "requests each session's journal keeps")
	fs.DurationVar(&c.sessionIdle, "session-idle", 30*time.Minute, "remove named sessions unused for this long")
	fs.Int64Var(&c.maxBody, "max-body-bytes", 1<<20, "largest vendor request body")
	fs.IntVar(&c.maxHeader, "max-header-bytes", 64<<10, "largest total size of a request's headers")
	fs.IntVar(&c.maxUsers, "max-users-per-org", 2_000_000, "most users one Care360 organization, CL2C tenant or R1 company may hold")
	fs.DurationVar(&c.readTimeout, "read-timeout", 30*time.Second, "time to read a whole request")
	fs.DurationVar(&c.writeTimeout, "write-timeout", 5*time.Minute, "time to write a response (fault latencies count)")
	fs.DurationVar(&c.idleTimeout, "idle-timeout", 2*time.Minute, "keep-alive connections idle longer are closed")
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
	var level slog.Level
	if err := level.UnmarshalText([]byte(cfg.logLevel)); err != nil {
		return fmt.Errorf("--log-level: %w", err)
	}
	logger := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: level}))

	if !cfg.noControl && cfg.controlToken == "" && !cfg.insecureControl && !isLoopback(cfg.addr) {
		return fmt.Errorf("refusing to serve the control API without a token on %s, which is reachable from other hosts: "+
			"anyone there could replace the state; set --control-token (or MOCK_CONTROL_TOKEN), use --no-control "+
			"(MOCK_NO_CONTROL=true), or pass --insecure-control (MOCK_INSECURE_CONTROL=true) if this is really wanted", cfg.addr)
	}

	opts := mock.Options{
		Logger: logger, ControlToken: cfg.controlToken, NoControl: cfg.noControl,
		JournalSize: cfg.journalSize, SessionIdle: cfg.sessionIdle, MaxBodyBytes: cfg.maxBody,
		MaxHeaderBytes: cfg.maxHeader, MaxUsersPerOrganization: cfg.maxUsers,
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
		return fmt.Errorf("cannot start: %w", err)
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

	// Loading a large world leaves its parse garbage behind, partly in
	// sync.Pools that outlive one collection; hand it back to the system
	// before serving so the resident size is the world's.
	debug.FreeOSMemory()
	debug.FreeOSMemory()

	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %w", cfg.addr, err)
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
	var saver *saver
	if cfg.stateFile != "" {
		saver = startSaver(m, cfg.stateFile, cfg.saveInterval, cfg.saveWrites, logger)
	}
	logger.Info("serving", "addr", ln.Addr().String(), "vendors", strings.Join(m.Vendors(), ","),
		"fixtures", fixturesName(cfg.fixtures), "control", controlMode(cfg), "stateFile", cfg.stateFile)

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
// saveWrites writes, or at least every interval, and once more on stop.
type saver struct {
	m        *mock.Mock
	path     string
	log      *slog.Logger
	done     chan struct{}
	finished chan error
	saved    uint64
}

func startSaver(m *mock.Mock, path string, interval time.Duration, writes uint64, log *slog.Logger) *saver {
	s := &saver{m: m, path: path, log: log, done: make(chan struct{}), finished: make(chan error, 1), saved: m.Changes()}
	go func() {
		poll := time.NewTicker(min(interval, 100*time.Millisecond))
		defer poll.Stop()
		last := time.Now()
		for {
			select {
			case <-s.done:
				s.finished <- s.save()
				return
			case now := <-poll.C:
				pending := m.Changes() - s.saved
				if pending > 0 && (pending >= writes || now.Sub(last) >= interval) {
					if err := s.save(); err != nil {
						log.Error("saving state failed", "path", path, "error", err)
					}
					last = now
				}
			}
		}
	}()
	return s
}

func (s *saver) save() error {
	changes := s.m.Changes()
	if err := statefile.Save(s.path, s.m.State()); err != nil {
		return err
	}
	s.saved = changes
	s.log.Debug("state saved", "path", s.path, "changes", changes)
	return nil
}

func (s *saver) stop() error {
	close(s.done)
	return <-s.finished
}
