package validation

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/vendorsuite/contracts/mock/problem"
)

// fieldProblems flattens a kin-openapi validation error into one
// problem.Field per failing field.
func fieldProblems(err error) []problem.Field {
	var out []problem.Field
	seen := map[string]bool{}
	add := func(p problem.Field) {
		key := p.In + "\x00" + p.Field + "\x00" + p.Keyword
		if !seen[key] && len(out) < maxListedProblems {
			seen[key] = true
			out = append(out, p)
		}
	}
	var walk func(err error, in, param string)
	walk = func(err error, in, param string) {
		if len(out) >= maxListedProblems {
			return
		}
		switch e := err.(type) {
		case nil:
		case openapi3.MultiError:
			for _, x := range e {
				walk(x, in, param)
			}
		case *openapi3filter.RequestError:
			switch {
			case e.Parameter != nil:
				in, param = e.Parameter.In, e.Parameter.Name
			case e.RequestBody != nil:
				in = "body"
			}
			var pe *openapi3filter.ParseError
			if e.Parameter != nil && e.Parameter.Schema != nil && errors.As(e.Err, &pe) {
				add(problem.Field{In: in, Field: param, Keyword: "type", Message: param + " must be " + typeWords(e.Parameter.Schema.Value)})
				return
			}
			if e.Err == nil {
				add(problem.Field{In: in, Field: fieldName(in, param, nil), Keyword: "invalid", Message: fieldName(in, param, nil) + " is invalid: " + e.Reason})
				return
			}
			walk(e.Err, in, param)
		case *openapi3.SchemaError:
			if e.Origin != nil && hasSchemaError(e.Origin) {
				walk(e.Origin, in, param)
				return
			}
			add(schemaProblem(e, in, param))
		default:
			if u, ok := err.(interface{ Unwrap() []error }); ok {
				for _, x := range u.Unwrap() {
					walk(x, in, param)
				}
				return
			}
			if u := errors.Unwrap(err); u != nil {
				walk(u, in, param)
				return
			}
			name := fieldName(in, param, nil)
			add(problem.Field{In: in, Field: name, Keyword: "invalid", Message: name + " is invalid: " + err.Error()})
		}
	}
	walk(err, "", "")
	return out
}

func hasSchemaError(err error) bool {
	var se *openapi3.SchemaError
	return errors.As(err, &se)
}

func fieldName(in, param string, pointer []string) string {
	if in != "body" {
		if param == "" {
			return in
		}
		return param
	}
	if len(pointer) == 0 {
		return "body"
	}
	var b strings.Builder
	for i, seg := range pointer {
		if _, err := strconv.Atoi(seg); err == nil {
			b.WriteString("[" + seg + "]")
			continue
		}
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(seg)
	}
	return b.String()
}

// schemaProblem words one failing schema keyword.
func schemaProblem(e *openapi3.SchemaError, in, param string) problem.Field {
	pointer := e.JSONPointer()
	field := fieldName(in, param, pointer)
	p := problem.Field{In: in, Field: field, Keyword: e.SchemaField}
	s := e.Schema
	switch e.SchemaField {
	case "required":
		p.Message = field + " is required"
	case "type":
		p.Message = field + " must be " + typeWords(s)
	case "enum":
		p.Message = field + " must be one of " + enumWords(s)
	case "pattern":
		if words, ok := patternWords[s.Pattern]; ok {
			p.Message = field + " " + words
		} else {
			p.Message = field + " must match the pattern " + s.Pattern
		}
	case "format":
		p.Message = field + " must be " + formatWords(s.Format)
	case "minLength":
		if s.MinLength == 1 {
			p.Message = field + " must not be empty"
		} else {
			p.Message = fmt.Sprintf("%s must be at least %d characters long", field, s.MinLength)
		}
	case "maxLength":
		p.Message = fmt.Sprintf("%s must be at most %d characters long", field, *s.MaxLength)
	case "minimum":
		p.Message = field + " must be at least " + number(*s.Min)
	case "maximum":
		p.Message = field + " must be at most " + number(*s.Max)
	case "discriminator":
		p.Field = fieldName(in, param, append(pointer, discriminatorProperty(s)))
		if strings.Contains(e.Reason, "does not contain") {
			p.Keyword = "required"
			p.Message = p.Field + " is required"
		} else {
			p.Keyword = "enum"
			p.Message = p.Field + " must be one of " + discriminatorValues(s)
		}
	case "nullable":
		p.Message = field + " must not be null"
	default:
		p.Message = field + ": " + e.Reason
	}
	return p
}

// patternWords says in words what the documents' common patterns ask.
var patternWords = map[string]string{
	`\S`: "must not be blank",
}

func number(f float64) string { return fmt.Sprintf("%g", f) }

func typeWords(s *openapi3.Schema) string {
	if s == nil || s.Type == nil || len(s.Type.Slice()) == 0 {
		return "of another type"
	}
	switch t := s.Type.Slice()[0]; t {
	case "integer":
		return "an integer"
	case "array", "object":
		return "an " + t
	default:
		return "a " + t
	}
}

func enumWords(s *openapi3.Schema) string {
	vals := make([]string, 0, len(s.Enum))
	for _, v := range s.Enum {
		if str, ok := v.(string); ok {
			vals = append(vals, str)
		} else {
			b, _ := json.Marshal(v)
			vals = append(vals, string(b))
		}
	}
	return strings.Join(vals, ", ")
}

func formatWords(format string) string {
	switch format {
	case "date":
		return "a date in YYYY-MM-DD format"
	case "date-time":
		return "a date-time in RFC 3339 format"
	case "email":
		return "an email address"
	default:
		return "a valid " + format
	}
}

func discriminatorProperty(s *openapi3.Schema) string {
	if s != nil && s.Discriminator != nil {
		return s.Discriminator.PropertyName
	}
	return "type"
}

func discriminatorValues(s *openapi3.Schema) string {
	if s == nil || s.Discriminator == nil {
		return "the documented values"
	}
	vals := make([]string, 0, len(s.Discriminator.Mapping))
	for k := range s.Discriminator.Mapping {
		vals = append(vals, k)
	}
	slices.Sort(vals)
	return strings.Join(vals, ", ")
}

// SchemaProblems words a kin-openapi schema validation error of a JSON
// document as one problem.Field per failing field, fields named by dotted
// path ("care360.organizations.0.name").
func SchemaProblems(err error) []problem.Field {
	return fieldProblems(&openapi3filter.RequestError{RequestBody: &openapi3.RequestBody{}, Err: err})
}
