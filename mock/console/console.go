// Package console serves the mock's QA console: a few static files
// embedded in the binary (no build step, nothing fetched from elsewhere)
// that drive the documented control API from the browser.
package console

import (
	"embed"
	"encoding/json"
	"io/fs"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

// Prefix is where the console is served.
const Prefix = "/__mock/ui/"

//go:embed static
var files embed.FS

// Serves reports whether path belongs to the console's pages.
func Serves(path string) bool {
	return path == strings.TrimSuffix(Prefix, "/") || strings.HasPrefix(path, Prefix)
}

// securityPolicy keeps the page from loading or sending anything anywhere
// but the mock it came from.
const securityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
	"connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'"

// Handler serves the console's files under Prefix.
func Handler() http.Handler {
	static, err := fs.Sub(files, "static")
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	files := http.StripPrefix(Prefix, http.FileServerFS(static))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, Prefix)
		if name == "" {
			name = "index.html"
		}
		if _, err := fs.Stat(static, name); err != nil {
			// The control API's error body, as for any other unknown path.
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			_ = json.NewEncoder(w).Encode(map[string][]string{"errors": {"No operation at " + r.URL.Path}})
			return
		}
		h := w.Header()
		h.Set("Content-Security-Policy", securityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cache-Control", "no-cache")
		files.ServeHTTP(w, r)
	})
}

// Register mounts the console on e: Prefix serves the files and the bare
// prefix redirects to it.
func Register(e *echo.Echo) {
	h := echo.WrapHandler(Handler())
	e.GET(strings.TrimSuffix(Prefix, "/"), func(c echo.Context) error {
		return c.Redirect(http.StatusMovedPermanently, Prefix)
	})
	e.GET(Prefix+"*", h)
	e.HEAD(Prefix+"*", h)
}
