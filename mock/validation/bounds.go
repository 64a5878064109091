package validation

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/vendorsuite/contracts/mock/problem"
)

// Bounds limit the shape of a JSON body. They are checked by a single scan
// before schema validation, so no body up to the size limit can make the
// validator's work (or its error text) grow faster than the body.
type Bounds struct {
	// MaxDepth is the deepest nesting of arrays and objects.
	MaxDepth int
	// MaxItems is the most elements of one array or members of one object.
	MaxItems int
	// MaxValues is the most arrays, objects and elements in the whole body.
	MaxValues int
	// MaxStringBytes is the longest string (key or value), as sent.
	MaxStringBytes int
}

// DefaultBounds are far above what any documented request needs (the
// deepest vendor body nests three levels, the longest list holds a
// handful of languages) and far below what makes validation slow.
var DefaultBounds = Bounds{MaxDepth: 32, MaxItems: 1000, MaxValues: 10_000, MaxStringBytes: 64 << 10}

// maxListedProblems caps how many failing fields one refusal lists, so the
// answer to a body with thousands of wrong elements stays short.
const maxListedProblems = 100

// frame is one open array or object during the scan.
type frame struct {
	object    bool
	expectKey bool
	commas    int    // separators seen: the current element's index
	key       []byte // the current member's key, as sent
}

// CheckBounds scans body, which must be valid JSON, and returns the first
// bound it breaks as a problem.Field naming where, or nil. Its cost is one
// pass over the bytes with no allocation unless a bound is broken.
func (b Bounds) CheckBounds(body []byte) *problem.Field {
	var stackBuf [33]frame
	stack := stackBuf[:0]
	values := 0
	for i := 0; i < len(body); i++ {
		switch c := body[i]; c {
		case '"':
			j := i + 1
			for j < len(body) && body[j] != '"' {
				if body[j] == '\\' {
					j++
				}
				j++
			}
			if j-i-1 > b.MaxStringBytes {
				return bounded(stack, "maxLength", fmt.Sprintf("is longer than %s", problem.SizeWords(int64(b.MaxStringBytes))))
			}
			if n := len(stack); n > 0 && stack[n-1].object && stack[n-1].expectKey {
				stack[n-1].key = body[i+1 : j]
			}
			i = j
		case '{', '[':
			if len(stack) >= b.MaxDepth {
				return bounded(stack, "maxDepth", fmt.Sprintf("nests deeper than %d levels", b.MaxDepth))
			}
			if values++; values > b.MaxValues {
				return bounded(nil, "maxValues", fmt.Sprintf("holds more than %d values", b.MaxValues))
			}
			stack = append(stack, frame{object: c == '{', expectKey: c == '{'})
		case '}', ']':
			stack = stack[:len(stack)-1]
		case ',':
			top := &stack[len(stack)-1]
			top.commas++
			top.expectKey = top.object
			if top.commas >= b.MaxItems {
				what := "items"
				if top.object {
					what = "members"
				}
				return bounded(stack[:len(stack)-1], "maxItems", fmt.Sprintf("has more than %d %s", b.MaxItems, what))
			}
			if values++; values > b.MaxValues {
				return bounded(nil, "maxValues", fmt.Sprintf("holds more than %d values", b.MaxValues))
			}
		case ':':
			stack[len(stack)-1].expectKey = false
		}
	}
	return nil
}

// bounded words a broken bound at the value the open frames lead to.
func bounded(stack []frame, keyword, issue string) *problem.Field {
	var path strings.Builder
	for _, f := range stack {
		if f.object {
			if path.Len() > 0 {
				path.WriteByte('.')
			}
			// Keys are quoted in the body; a long one is cut so the
			// message stays short.
			key := f.key
			if len(key) > 64 {
				key = append(key[:64:64], "..."...)
			}
			path.Write(key)
		} else {
			path.WriteString("[" + strconv.Itoa(f.commas) + "]")
		}
	}
	field := path.String()
	if field == "" {
		field = "body"
	}
	return &problem.Field{In: "body", Field: field, Keyword: keyword, Message: field + " " + issue}
}
