// Package problem describes why the mock refuses a request, whoever
// refuses it: the validator (schema, body size, media type), routing (no
// such operation), a fault rule, a limit, a session guard. Each vendor
// renders a Problem in its own error envelope.
package problem

import (
	"fmt"
	"strings"

	"github.com/labstack/echo/v4"
)

// Kind says what sort of problem a request has.
type Kind int

const (
	// Invalid means the request breaks its schema (fields, parameters).
	Invalid Kind = iota
	// MalformedJSON means the body is not JSON at all.
	MalformedJSON
	// BodyTooLarge means the body is over the size limit.
	BodyTooLarge
	// UnsupportedMediaType means the body is not sent as application/json.
	UnsupportedMediaType
	// NotFound means no operation of the document has this path.
	NotFound
	// MethodNotAllowed means the path exists, the method does not.
	MethodNotAllowed
	// Failure means the request cannot be served for another reason (an
	// injected fault, a limit, a failure of the mock); Status and Message
	// say which.
	Failure
)

// Field is one failing field or parameter.
type Field struct {
	// In is where the field lives: "body", "query", "path" or "header".
	In string
	// Field is the parameter name, or the body field as a dotted path
	// ("data.dob"); "body" for the body as a whole.
	Field string
	// Keyword is the schema keyword that failed ("required", "type",
	// "pattern", "format", "enum", "minimum", "maximum", "minLength", ...).
	Keyword string
	// Message names the field and the problem, in plain English.
	Message string
}

// Problem is a refused request. Vendors render it.
type Problem struct {
	Kind   Kind
	Status int
	// Message is a one-line summary naming the problem.
	Message string
	// Fields lists every failing field for Kind Invalid, in document order
	// of discovery, without duplicates.
	Fields []Field
}

func (p *Problem) Error() string { return p.Message }

// FieldMessages joins the field messages with "; ", or returns Message when
// there are none.
func (p *Problem) FieldMessages() string {
	if len(p.Fields) == 0 {
		return p.Message
	}
	msgs := make([]string, len(p.Fields))
	for i, f := range p.Fields {
		msgs[i] = f.Message
	}
	return strings.Join(msgs, "; ")
}

// Renderer writes a Problem in a vendor's own error envelope.
type Renderer func(c echo.Context, p *Problem) error

// SizeWords writes a byte count the way limits are quoted in messages.
func SizeWords(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	default:
		return fmt.Sprintf("%d bytes", n)
	}
}
