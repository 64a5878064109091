package mock

import (
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// controlMediaTypes are the bodies control calls take. None of them is a
// type a cross-site form or "simple" request may send, so requiring one
// makes a browser ask first (CORS preflight), which the mock never allows.
var controlMediaTypes = map[string]bool{
	"application/json": true, "application/yaml": true, "application/x-yaml": true, "text/yaml": true,
}

// crossSite says why a control call could come from a web page rather
// than from a local tool, or "" when it could not.
func crossSite(req *http.Request) string {
	if !loopbackHost(req.Host) {
		return "control calls without a control token must be addressed to a loopback host (localhost, 127.0.0.1 or [::1]), not " + req.Host
	}
	if site := req.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
		return "control calls from another web site are refused (Sec-Fetch-Site: " + site + ")"
	}
	if origin := req.Header.Get("Origin"); origin != "" {
		u, err := url.Parse(origin)
		if err != nil || u.Host != req.Host {
			return "control calls from another web site are refused (Origin: " + origin + ")"
		}
	}
	switch req.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return ""
	}
	mediaType, _, err := mime.ParseMediaType(req.Header.Get("Content-Type"))
	if err != nil || !controlMediaTypes[mediaType] {
		return "control calls that change state must carry Content-Type: application/json (or a YAML type), even without a body"
	}
	return ""
}

// loopbackHost reports whether a Host header names this machine's
// loopback interface.
func loopbackHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
