// Package routing mounts generated oapi-codegen routes on an Echo instance
// behind a fixed middleware chain.
package routing

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// Router implements the generated EchoRouter interfaces. Unlike an
// echo.Group it adds no catch-all routes, so vendors mounted side by side
// on one Echo never shadow each other's paths.
type Router struct {
	e  *echo.Echo
	mw []echo.MiddlewareFunc
}

// With returns a Router that puts mw in front of every route it adds.
func With(e *echo.Echo, mw ...echo.MiddlewareFunc) *Router { return &Router{e: e, mw: mw} }

// add composes the chain around h once, here: Echo would compose route
// middleware afresh on every request, one closure per middleware.
func (r *Router) add(method, path string, h echo.HandlerFunc, m []echo.MiddlewareFunc) *echo.Route {
	chain := append(append([]echo.MiddlewareFunc{}, r.mw...), m...)
	for i := len(chain) - 1; i >= 0; i-- {
		h = chain[i](h)
	}
	return r.e.Add(method, path, h)
}

// CONNECT adds a CONNECT route behind the Router's middleware.
func (r *Router) CONNECT(p string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return r.add(http.MethodConnect, p, h, m)
}

// DELETE adds a DELETE route behind the Router's middleware.
func (r *Router) DELETE(p string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return r.add(http.MethodDelete, p, h, m)
}

// GET adds a GET route behind the Router's middleware.
func (r *Router) GET(p string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return r.add(http.MethodGet, p, h, m)
}

// HEAD adds a HEAD route behind the Router's middleware.
func (r *Router) HEAD(p string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return r.add(http.MethodHead, p, h, m)
}

// OPTIONS adds a OPTIONS route behind the Router's middleware.
func (r *Router) OPTIONS(p string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return r.add(http.MethodOptions, p, h, m)
}

// PATCH adds a PATCH route behind the Router's middleware.
func (r *Router) PATCH(p string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return r.add(http.MethodPatch, p, h, m)
}

// POST adds a POST route behind the Router's middleware.
func (r *Router) POST(p string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return r.add(http.MethodPost, p, h, m)
}

// PUT adds a PUT route behind the Router's middleware.
func (r *Router) PUT(p string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return r.add(http.MethodPut, p, h, m)
}

// TRACE adds a TRACE route behind the Router's middleware.
func (r *Router) TRACE(p string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	return r.add(http.MethodTrace, p, h, m)
}
