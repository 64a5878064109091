package console_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/vendorsuite/contracts/mock"
	"github.com/vendorsuite/contracts/mock/replay"
)

// browserToken is the control token of the mock the browser test drives, so
// the console's token prompt is part of the test.
const browserToken = "console-browser-token"

// chromium finds Debian's chromium ($CHROMIUM names another binary).
// Outside CI a machine without it skips the test; CI (.ci/run installs it,
// and sets CI) must run it.
func chromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("CHROMIUM"); p != "" {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	} else if p, err := exec.LookPath("chromium"); err == nil {
		return p
	} else if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium not found under CI (.ci/run installs Debian's chromium package; CHROMIUM names another binary)")
	}
	t.Skip("chromium not found (apt-get install chromium, or set CHROMIUM): console browser test skipped")
	return ""
}

// repoRoot is the directory holding go.mod.
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
}

// browserWatch collects what the page must never do: ask a host other than
// the mock, or throw.
type browserWatch struct {
	mu         sync.Mutex
	origins    []string
	local      int // requests to the mock, proof that the watch sees requests
	external   []string
	exceptions []string
}

func (w *browserWatch) listen(ev any) {
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		u := ev.Request.URL
		w.mu.Lock()
		defer w.mu.Unlock()
		for _, origin := range w.origins {
			if strings.HasPrefix(u, origin+"/") || strings.HasPrefix(u, "blob:"+origin+"/") {
				w.local++
				return
			}
		}
		if strings.HasPrefix(u, "data:") {
			return
		}
		w.external = append(w.external, u)
	case *runtime.EventExceptionThrown:
		text := ev.ExceptionDetails.Text
		if ev.ExceptionDetails.Exception != nil && ev.ExceptionDetails.Exception.Description != "" {
			text = ev.ExceptionDetails.Exception.Description
		}
		w.mu.Lock()
		w.exceptions = append(w.exceptions, text)
		w.mu.Unlock()
	}
}

func (w *browserWatch) check(t *testing.T) {
	t.Helper()
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.local < 10 {
		t.Errorf("the watch saw %d requests to the mock; it cannot be seeing the page's requests", w.local)
	}
	if len(w.external) > 0 {
		t.Errorf("the console asked hosts other than the mock: %v", w.external)
	}
	if len(w.exceptions) > 0 {
		t.Errorf("the console threw: %v", w.exceptions)
	}
}

// TestConsoleInBrowser drives the console in headless Chromium as a QA
// engineer would: the token prompt of a protected mock, then, on a mock as
// mockserver runs without a token (control calls refused to other web
// sites), a fault through the form, a vendor request seen in the journal
// with the fault marked, its detail, a recording replayed green, and a
// Care360 user's cases.
func TestConsoleInBrowser(t *testing.T) {
	exe := chromium(t)
	guarded, err := mock.New(mock.Options{ControlToken: browserToken, Replay: replay.Run})
	if err != nil {
		t.Fatal(err)
	}
	guardedSrv := httptest.NewServer(guarded)
	defer guardedSrv.Close()
	m, err := mock.New(mock.Options{LocalControl: true, Replay: replay.Run})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(m)
	defer srv.Close()

	shots := filepath.Join(repoRoot(t), "results", "ui")
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	watch := &browserWatch{origins: []string{srv.URL, guardedSrv.URL}}

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(exe),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1440, 1000),
	)
	defer cancelAlloc()
	browser, cancelBrowser := chromedp.NewContext(allocCtx, chromedp.WithListener(watch.listen))
	defer cancelBrowser()

	// Start the browser on the test's context: the first action would
	// otherwise tie it to the step's shorter one.
	if err := chromedp.Do(browser); err != nil {
		t.Fatalf("starting %s: %v", exe, err)
	}
	// Each step gets 15 s, so a console that never shows what a step waits
	// for fails with that step's name rather than at the test's deadline.
	step := func(name string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		stepCtx, cancel := context.WithTimeout(browser, 15*time.Second)
		defer cancel()
		if err := chromedp.Do(stepCtx, actions...); err != nil {
			shot(t, browser, filepath.Join(shots, "failed-"+name+".png"))
			t.Fatalf("%s: %v", name, err)
		}
	}
	text := func(name, sel string) string {
		t.Helper()
		s, err := chromedp.Run(browser, chromedp.Text(chromedp.CSS(sel), chromedp.NodeVisible))
		if err != nil {
			shot(t, browser, filepath.Join(shots, "failed-"+name+".png"))
			t.Fatalf("%s: reading %s: %v", name, sel, err)
		}
		return s
	}
	// until waits for a condition of the page, as a person waits to see it.
	until := func(name, expr string) {
		t.Helper()
		if _, err := chromedp.Run(browser, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(15*time.Second))); err != nil {
			shot(t, browser, filepath.Join(shots, "failed-"+name+".png"))
			t.Fatalf("%s: waiting for %s: %v", name, expr, err)
		}
	}

	// Every field of the shown view has a label and every button a name,
	// so a screen reader can tell them apart.
	labelled := func(view string) {
		t.Helper()
		bad, err := chromedp.Run(browser, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#view-`+view+` input, #view-`+view+` select, #view-`+view+` textarea, #view-`+view+` button")]
			.filter((el) => el.offsetParent !== null)
			.filter((el) => el.tagName === "BUTTON"
				? !(el.textContent.trim() || el.getAttribute("aria-label"))
				: !(el.labels && el.labels.length) && !el.getAttribute("aria-label") && !el.getAttribute("aria-labelledby"))
			.map((el) => el.outerHTML.slice(0, 120))`))
		if err != nil {
			t.Fatal(err)
		}
		if len(bad) > 0 {
			t.Errorf("%s view: controls without a label or name: %v", view, bad)
		}
	}

	// A protected mock's console asks for the token first; a wrong one is
	// refused with the reason, the right one opens the journal.
	step("token",
		chromedp.Navigate(guardedSrv.URL+"/__mock/ui/"),
		chromedp.WaitVisible(chromedp.ID("token-input")),
		chromedp.SendKeys(chromedp.ID("token-input"), "not-the-token"),
		chromedp.Click(chromedp.CSS("#token-form button[type=submit]")),
	)
	until("token refused", `document.getElementById("token-error").textContent.startsWith("That token was refused: the control API needs")`)
	step("token accepted",
		chromedp.SetValue(chromedp.ID("token-input"), browserToken),
		chromedp.Click(chromedp.CSS("#token-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.ID("view-journal")),
	)

	// The rest on a tokenless mock: its console opens straight away, and its
	// calls pass the guard that refuses other web sites.
	step("open",
		chromedp.Navigate(srv.URL+"/__mock/ui/"),
		chromedp.WaitVisible(chromedp.ID("view-journal")),
	)

	// A fault through the form built from the control document's schema.
	step("fault form",
		chromedp.Click(chromedp.CSS(`nav a[data-view="faults"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[id="fault.vendorError.message"]`)),
		chromedp.SendKeys(chromedp.CSS(`[id="fault.match.method"]`), "POST"),
		chromedp.SendKeys(chromedp.CSS(`[id="fault.match.path"]`), "/api/v1/users"),
		chromedp.SendKeys(chromedp.CSS(`[id="fault.vendorError.status"]`), "500"),
		chromedp.SendKeys(chromedp.CSS(`[id="fault.vendorError.message"]`), "Internal server error"),
		chromedp.SendKeys(chromedp.CSS(`[id="fault.times"]`), "1"),
		chromedp.Click(chromedp.ID("fault-add")),
		chromedp.WaitVisible(chromedp.CSS(`#faults-table tr[data-fault="fault-1"]`)),
	)
	if help := text("fault help", `[id="fault.match.path.help"]`); !strings.Contains(help, "prefix ending in") {
		t.Errorf("the match.path field's help is %q, want the schema's description", help)
	}
	if row := text("fault row", `#faults-table tr[data-fault="fault-1"]`); !strings.Contains(row, "1 of 1") {
		t.Errorf("the new rule's row %q does not show 1 of 1 remaining", row)
	}
	labelled("faults")
	shot(t, browser, filepath.Join(shots, "faults.png"))

	// Vendor requests from Go: the first meets the fault.
	send := func(method, path string, header map[string]string, body string, want int) {
		t.Helper()
		req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range header {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Fatalf("%s %s: status %d, want %d", method, path, resp.StatusCode, want)
		}
	}
	care := map[string]string{"cv-api-key": "cv-demo-key", "Content-Type": "application/json"}
	update := `{"action":"UPDATE_PROFILE","data":{"email":"jane.roe@example.com","city":"Lisbon"}}`
	send("POST", "/api/v1/users", care, update, 500)
	send("POST", "/api/v1/users", care, update, 200)
	send("GET", "/api/v1/users?limit=2", map[string]string{"cv-api-key": "cv-demo-key"}, "", 200)
	send("PUT", "/v1/cl2c/user", map[string]string{"tenant": "tenant-demo", "X-API-Key": "cl2c-demo-key", "Content-Type": "application/json"},
		`{"id":"3fa85f64-5717-4562-b3fc-2c963f66afa6","firstName":"","lastName":"Doe"}`, 400)
	send("PUT", "/api/v1/companies/1/users/abcxyz123456", map[string]string{"Authorization": "Bearer r1-demo-token", "Content-Type": "application/json"},
		`{"username":"xyz123","client_status":"active"}`, 200)

	// The journal shows it live, the fault marked; the detail shows both sides.
	step("journal",
		chromedp.Click(chromedp.CSS(`nav a[data-view="journal"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#journal-table tr[data-seq="5"]`)),
	)
	if row := text("faulted row", `#journal-table tr[data-seq="1"]`); !strings.Contains(row, "fault-1") || !strings.Contains(row, "500") {
		t.Errorf("the faulted request's row reads %q, want fault-1 and 500", row)
	}
	if row := text("plain row", `#journal-table tr[data-seq="2"]`); strings.Contains(row, "fault-") {
		t.Errorf("the second request's row reads %q: no fault applied to it", row)
	}
	// Opened from the keyboard: focus the row's button, press Enter.
	step("journal detail",
		chromedp.Focus(chromedp.CSS(`#journal-table tr[data-seq="1"] button.open`)),
		chromedp.KeyEvent("\r"),
		chromedp.WaitVisible(chromedp.ID("detail-fault")),
	)
	until("detail focused", `document.activeElement.id === "detail-title"`)
	labelled("journal")
	if f := text("detail fault", "#detail-fault"); !strings.Contains(f, "fault-1") || !strings.Contains(f, `answers 500 "Internal server error"`) {
		t.Errorf("the detail's fault reads %q", f)
	}
	if a := text("detail account", "#detail-account"); !strings.Contains(a, "care360.org_demo") {
		t.Errorf("the detail's account reads %q, want care360.org_demo", a)
	}
	if d := text("detail", "#journal-detail"); !strings.Contains(d, "[REDACTED]") || strings.Contains(d, "cv-demo-key") || !strings.Contains(d, `"city": "Lisbon"`) {
		t.Errorf("the detail must show the redacted key and the pretty-printed body, not the key itself:\n%s", d)
	}
	until("chart", `document.querySelector('.chart[data-vendor="care360"] p').textContent.includes("2xx 2, 4xx 0, 5xx 1")`)
	shot(t, browser, filepath.Join(shots, "journal.png"))

	// Record the journal, then replay the downloaded file in a fresh session.
	step("record",
		chromedp.Click(chromedp.CSS(`nav a[data-view="recordings"]`)),
		chromedp.WaitVisible(chromedp.ID("record-name")),
		chromedp.SetValue(chromedp.ID("record-name"), "console-recording"),
		chromedp.Click(chromedp.CSS("#record-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.ID("record-preview")),
	)
	recording, err := chromedp.Run(browser, chromedp.TextContent(chromedp.ID("record-preview")))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(recording, "name: console-recording") || !strings.Contains(recording, "faults:") || strings.Contains(recording, "cv-demo-key") {
		t.Fatalf("the recording lacks its name or faults, or holds a secret:\n%s", recording)
	}
	file := filepath.Join(t.TempDir(), "console-recording.yaml")
	if err := os.WriteFile(file, []byte(recording), 0o600); err != nil {
		t.Fatal(err)
	}
	step("replay",
		chromedp.SetUploadFiles(chromedp.ID("replay-file"), []string{file}),
		chromedp.Click(chromedp.CSS("#replay-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.ID("replay-report-title")),
	)
	if head := text("replay head", "#replay-report-title"); !strings.Contains(head, "PASSED") || !strings.Contains(head, "5 of 5 steps") {
		t.Errorf("the replay reads %q, want PASSED with 5 of 5 steps", head)
	}
	until("replay rows", `document.querySelectorAll('#replay-steps tr[data-outcome="passed"]').length === 5`)
	labelled("recordings")
	shot(t, browser, filepath.Join(shots, "recordings.png"))

	// A Care360 user's cases, with what they lock.
	step("state",
		chromedp.Click(chromedp.CSS(`nav a[data-view="state"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#state-body button[data-account="org_demo"]`)),
		chromedp.Click(chromedp.CSS(`#state-body button[data-account="org_demo"]`)),
		chromedp.SendKeys(chromedp.ID("state-search"), "locked"),
		chromedp.WaitVisible(chromedp.CSS(`#state-users tbody tr`)),
		chromedp.Click(chromedp.CSS(`#state-users tbody tr button`)),
		chromedp.WaitVisible(chromedp.ID("user-cases")),
	)
	if lock := text("lock", "#lock-summary"); !strings.Contains(lock, "Locked: firstName, lastName, dob, gender") {
		t.Errorf("the lock summary reads %q", lock)
	}
	if cases := text("cases", "#user-cases"); !strings.Contains(cases, "Assigned") {
		t.Errorf("the cases table reads %q, want the Assigned case", cases)
	}
	labelled("state")
	shot(t, browser, filepath.Join(shots, "state.png"))

	// Edit that user in the JSON editor; the saved state shows the change.
	step("edit user",
		chromedp.Evaluate[chromedp.Void](`(() => { const ta = document.getElementById("user-editor");
			ta.value = ta.value.replace('"lastName": "Locke"', '"lastName": "Locke", "city": "Bend"'); })()`),
		chromedp.Click(chromedp.ID("user-save")),
	)
	until("edited", `[...document.querySelectorAll("#state-body dl.kv dd")].some((d) => d.textContent === "Bend")`)
	saved := false
	for _, o := range m.State().Care360.Organizations {
		for _, u := range o.Users {
			if u.Email == "locked.user@example.com" {
				saved = u.City != nil && *u.City == "Bend"
			}
		}
	}
	if !saved {
		t.Error("the state does not hold the edited city")
	}

	// R1 Discover: companies and the tokens that manage them.
	step("r1 tab",
		chromedp.Clear(chromedp.ID("state-search")),
		chromedp.Click(chromedp.ID("tab-r1discover")),
		chromedp.WaitVisible(chromedp.ID("state-tokens")),
	)
	if tokens := text("tokens", "#state-tokens"); !strings.Contains(tokens, "r1-demo-token") || !strings.Contains(tokens, "r1discover.0") {
		t.Errorf("the tokens table reads %q", tokens)
	}

	// The replay left its session behind; the sessions view lists it.
	step("sessions",
		chromedp.Click(chromedp.CSS(`nav a[data-view="sessions"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#sessions-table tr[data-session="replay-1"]`)),
	)
	labelled("sessions")
	shot(t, browser, filepath.Join(shots, "sessions.png"))

	// A new session from the startup fixtures scopes the console: its
	// journal starts empty and shows only the session's requests.
	step("new session",
		chromedp.SendKeys(chromedp.ID("session-name"), "qa-1"),
		chromedp.Click(chromedp.CSS("#session-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(`#sessions-table tr[data-session="qa-1"]`)),
		chromedp.Click(chromedp.CSS(`nav a[data-view="journal"]`)),
	)
	until("scoped", `document.getElementById("journal-count").textContent === "0 of 0 requests shown in session qa-1"`)
	send("GET", "/__sessions/qa-1/api/v1/users?limit=1", map[string]string{"cv-api-key": "cv-demo-key"}, "", 200)
	until("scoped journal", `document.getElementById("journal-count").textContent === "1 of 1 requests shown in session qa-1"`)

	watch.check(t)
	if os.Getenv("CONSOLE_SCREENSHOTS") == "update" {
		for _, name := range []string{"journal.png", "state.png"} {
			b, err := os.ReadFile(filepath.Join(shots, name))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join("screenshots", name), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func shot(t *testing.T, ctx context.Context, path string) {
	t.Helper()
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Logf("screenshot %s: %v", path, err)
		return
	}
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		t.Error(err)
	}
	fmt.Fprintln(os.Stderr, "screenshot:", path)
}
