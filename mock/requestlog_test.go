package mock

import (
	"bytes"
	"context"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestRequestLineMatchesSlogJSON writes request lines both ways, through
// the LogHandler's own encoder and through slog's JSON handler, and wants
// the same bytes: for tricky strings (quotes, control characters, HTML
// characters, line separators, invalid UTF-8), generated ones, every level
// the mock logs at and a few it does not, and times in several zones.
func TestRequestLineMatchesSlogJSON(t *testing.T) {
	tricky := []string{
		"", "plain", `quote " and backslash \`, "tab\tnewline\nreturn\r", "\x00\x01\x07\x08\x0b\x0c\x1b\x1f\x7f",
		"<script>&amp;</script>", "line\u2028separator\u2029paragraph", "bad \xff\xfe utf8 \xc3", "truncated \xe2\x82",
		"é ü 日本語 🙂", "/api/v1/users/{id}", "a=1&api_key=[REDACTED]", "%00%ZZ", "\ufffd", "\U0010ffff",
	}
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"a", "Z", "0", " ", "\"", "\\", "/", "\n", "\t", "\x00", "\x1f", "\x7f", "<", ">", "&",
		"é", "\u2028", "\u2029", "\xff", "\xc3", "\xe2\x82", "🙂", "\u00a0", "'"}
	random := func() string {
		var sb strings.Builder
		for range rng.IntN(24) {
			sb.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		return sb.String()
	}
	zones := []*time.Location{time.UTC, time.FixedZone("", 5*3600+1800), time.FixedZone("west", -7*3600), time.Local}
	times := []time.Time{
		time.Date(2026, 12, 1, 16, 10, 24, 123456789, time.UTC),
		time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		time.Date(1999, 12, 31, 23, 59, 59, 100000000, time.UTC),
		time.Now(),
	}
	levels := []slog.Level{slog.LevelDebug, slog.LevelInfo, slog.LevelWarn, slog.LevelError, slog.LevelInfo + 2, slog.LevelDebug - 1}
	var want bytes.Buffer
	slogJSON := slog.NewJSONHandler(&want, &slog.HandlerOptions{Level: slog.LevelDebug - 10})
	check := func(at time.Time, level slog.Level, l requestLine) {
		t.Helper()
		want.Reset()
		r := slog.NewRecord(at, level, "request", 0)
		attrs := l.attrs()
		r.AddAttrs(attrs[:]...)
		if err := slogJSON.Handle(context.Background(), r); err != nil {
			t.Fatal(err)
		}
		if got := appendRequestJSON(nil, at, level, &l); !bytes.Equal(got, want.Bytes()) {
			t.Fatalf("the request line differs from slog's JSON handler's:\n got %q\nwant %q", got, want.Bytes())
		}
	}
	n := 0
	for i, s := range tricky {
		for _, zone := range zones {
			at := times[i%len(times)].In(zone)
			check(at, levels[i%len(levels)], requestLine{method: s, path: s, query: s, vendor: s, status: 200, bytes: 17, duration: 1500 * time.Microsecond})
			n++
		}
	}
	for i := range 3000 {
		l := requestLine{
			method: random(), path: random(), query: random(), vendor: random(),
			status: rng.IntN(600) - 50, bytes: rng.Int64N(1<<40) - 1000, duration: time.Duration(rng.Int64() - 1<<62),
		}
		// Times within a few seconds of each other (the formatted second
		// is reused), with nanoseconds of every length, across zones and
		// years.
		at := times[i%len(times)]
		if i%2 == 0 {
			nanos := rng.Int64N(1e9)
			nanos -= nanos % []int64{1, 10, 1000, 1e6, 1e8, 1e9}[rng.IntN(6)]
			at = time.Unix(at.Unix()+rng.Int64N(3), nanos)
		}
		if i%50 == 0 {
			at = time.Unix(rng.Int64N(250e9)-62e9, rng.Int64N(1e9)) // years 0 to about 9900
		}
		check(at.In(zones[i%len(zones)]), levels[i%len(levels)], l)
		n++
	}
	t.Logf("%d lines equal to slog's", n)
}

// TestLogHandlerWritesRequestLinesDirectly serves requests through a Mock
// logging to a LogHandler and through one logging to slog's own JSON
// handler: the lines are the same but for the time and duration, other
// records still reach the log, and lines from both paths never interleave.
func TestLogHandlerWritesRequestLinesDirectly(t *testing.T) {
	var direct, viaSlog bytes.Buffer
	fast := NewLogHandler(&direct, nil)
	mFast, err := New(Options{Logger: slog.New(fast)})
	if err != nil {
		t.Fatal(err)
	}
	if mFast.lines == nil {
		t.Fatal("a Mock logging to a LogHandler does not write its request lines directly")
	}
	mSlog, err := New(Options{Logger: slog.New(slog.NewJSONHandler(&viaSlog, nil))})
	if err != nil {
		t.Fatal(err)
	}
	send := func(m *Mock, target string) {
		req := httptest.NewRequest(http.MethodGet, target, nil)
		req.Header.Set("cv-api-key", "cv-demo-key")
		m.ServeHTTP(httptest.NewRecorder(), req)
	}
	for _, target := range []string{"/api/v1/users?limit=1&api_key=secret", "/nowhere\u2028?x=\"", "/__mock/health", "/__mock/journal"} {
		send(mFast, target)
		send(mSlog, target)
	}
	varying := regexp.MustCompile(`"time":"[^"]*"|"duration":\d+`)
	got, want := varying.ReplaceAllString(direct.String(), "…"), varying.ReplaceAllString(viaSlog.String(), "…")
	if got != want || strings.Count(got, "\n") != 3 {
		t.Fatalf("request lines\n got %s\nwant %s", got, want)
	}

	// Both paths at once, from many goroutines.
	direct.Reset()
	logger := slog.New(fast)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for range 50 {
				send(mFast, "/api/v1/users?limit=1")
			}
		}()
		go func() {
			defer wg.Done()
			for range 50 {
				logger.Info("other", "n", 1)
			}
		}()
	}
	wg.Wait()
	lines := strings.Split(strings.TrimSuffix(direct.String(), "\n"), "\n")
	if len(lines) != 800 {
		t.Fatalf("%d lines, want 800", len(lines))
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, `{"time":"`) || !strings.HasSuffix(l, "}") || strings.Count(l, `"time"`) != 1 {
			t.Fatalf("a mangled line: %q", l)
		}
	}

	// A ReplaceAttr could change the line and AddSource adds to it; a
	// derived logger adds attributes: the record path is kept for them.
	for name, h := range map[string]slog.Handler{
		"ReplaceAttr": NewLogHandler(&direct, &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr { return a }}),
		"AddSource":   NewLogHandler(&direct, &slog.HandlerOptions{AddSource: true}),
		"WithAttrs":   fast.WithAttrs([]slog.Attr{slog.String("k", "v")}),
		"WithGroup":   fast.WithGroup("g"),
	} {
		if m, err := New(Options{Logger: slog.New(h)}); err != nil || m.lines != nil {
			t.Fatalf("a LogHandler with %s writes request lines directly (%v)", name, err)
		}
	}
}

// A time RFC 3339 cannot write goes through slog's handler, which says so
// in the line.
func TestRequestLineOutsideRFC3339Years(t *testing.T) {
	var got, want bytes.Buffer
	l := requestLine{method: "GET", path: "/p", status: 200}
	for _, at := range []time.Time{time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(-1, 1, 1, 0, 0, 0, 5, time.UTC)} {
		got.Reset()
		want.Reset()
		NewLogHandler(&got, nil).writeRequest(context.Background(), at, slog.LevelInfo, &l)
		r := slog.NewRecord(at, slog.LevelInfo, "request", 0)
		attrs := l.attrs()
		r.AddAttrs(attrs[:]...)
		_ = slog.NewJSONHandler(&want, nil).Handle(context.Background(), r)
		if got.String() != want.String() || !strings.Contains(got.String(), "ERROR") {
			t.Errorf("year %d:\n got %s\nwant %s", at.Year(), got.String(), want.String())
		}
	}
}
