package openapi

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// VendorDocuments names the documents that describe vendor pages, where
// every decision of the mock is marked: every document but the control
// API's.
var VendorDocuments = slices.DeleteFunc(slices.Clone(Names), func(n string) bool { return n == MockControl })

// Inference is one decision of the mock that a document marks with
// x-mock-inferred: true.
type Inference struct {
	Document string
	// Pointer is the JSON pointer of the marked node, e.g.
	// /paths/~1api~1v1~1users/get/parameters/4.
	Pointer string
	// Where names the node for a reader, e.g. "GET /api/v1/users parameter limit".
	Where string
	// Reason is the node's x-mock-inferred-reason.
	Reason string
	Line   int
}

// MarkerProblem is a node whose marking is incomplete.
type MarkerProblem struct {
	Document, Pointer, Problem string
	Line                       int
}

func (p MarkerProblem) String() string {
	return fmt.Sprintf("%s.yaml:%d %s: %s", p.Document, p.Line, p.Pointer, p.Problem)
}

// saysInferred finds the word "inferred" in prose, but not inside the
// marker's own name (x-mock-inferred).
var saysInferred = regexp.MustCompile(`(?i)(^|[^-\w])inferred\b`)

// Inferences lists the marked decisions of a document in document order,
// and the nodes whose prose calls something inferred without the marker,
// or whose marker lacks its reason.
func Inferences(name string) ([]Inference, []MarkerProblem, error) {
	raw, err := Bytes(name)
	if err != nil {
		return nil, nil, err
	}
	return inferencesIn(name, raw)
}

func inferencesIn(name string, raw []byte) ([]Inference, []MarkerProblem, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(raw, &root); err != nil {
		return nil, nil, fmt.Errorf("openapi: %s: %w", name, err)
	}
	w := &markerWalk{doc: name}
	if len(root.Content) > 0 {
		w.walk(root.Content[0], nil)
	}
	return w.found, w.problems, nil
}

type markerWalk struct {
	doc      string
	found    []Inference
	problems []MarkerProblem
}

func (w *markerWalk) walk(n *yaml.Node, path []string) {
	switch n.Kind {
	case yaml.MappingNode:
		w.check(n, path)
		for i := 0; i+1 < len(n.Content); i += 2 {
			key := n.Content[i].Value
			// Example values are data, not prose of the document.
			if key == "value" && len(path) > 0 && isExample(path) {
				continue
			}
			w.walk(n.Content[i+1], append(path[:len(path):len(path)], key))
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			w.walk(c, append(path[:len(path):len(path)], strconv.Itoa(i)))
		}
	}
}

func isExample(path []string) bool {
	return len(path) >= 2 && (path[len(path)-2] == "examples")
}

func (w *markerWalk) check(n *yaml.Node, path []string) {
	var marked bool
	var reason string
	var prose []string
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i].Value, n.Content[i+1]
		switch k {
		case "x-mock-inferred":
			marked = v.Value == "true"
		case "x-mock-inferred-reason":
			reason = strings.TrimSpace(v.Value)
		case "description", "summary":
			if v.Kind == yaml.ScalarNode {
				prose = append(prose, v.Value)
			}
		}
	}
	pointer := pointerOf(path)
	bad := func(problem string) {
		w.problems = append(w.problems, MarkerProblem{Document: w.doc, Pointer: pointer, Problem: problem, Line: n.Line})
	}
	switch {
	case marked && reason == "":
		bad("x-mock-inferred without an x-mock-inferred-reason")
	case !marked && reason != "":
		bad("x-mock-inferred-reason without x-mock-inferred: true")
	}
	if !marked {
		for _, p := range prose {
			if saysInferred.MatchString(p) {
				bad("the description calls something inferred, but the node has no x-mock-inferred: true")
				break
			}
		}
	}
	if marked {
		w.found = append(w.found, Inference{Document: w.doc, Pointer: pointer, Where: where(path, n), Reason: reason, Line: n.Line})
	}
}

func pointerOf(path []string) string {
	var b strings.Builder
	for _, p := range path {
		b.WriteByte('/')
		b.WriteString(strings.ReplaceAll(strings.ReplaceAll(p, "~", "~0"), "/", "~1"))
	}
	return b.String()
}

// where names a node the way a reader looks for it.
func where(path []string, n *yaml.Node) string {
	field := func(name string) string {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == name {
				return n.Content[i+1].Value
			}
		}
		return ""
	}
	switch {
	case len(path) >= 1 && path[0] == "servers":
		return "server"
	case len(path) >= 3 && path[0] == "paths":
		op := strings.ToUpper(path[2]) + " " + path[1]
		rest := path[3:]
		switch {
		case len(rest) == 0:
			return op
		case rest[0] == "parameters":
			return op + " parameter " + field("name")
		case rest[0] == "requestBody":
			return op + " request body"
		case rest[0] == "responses" && len(rest) >= 2:
			return op + " response " + rest[1]
		}
		return op + " " + strings.Join(rest, ".")
	case len(path) >= 3 && path[0] == "components":
		kind, name := path[1], path[2]
		switch kind {
		case "schemas":
			s := "schema " + name
			for i := 3; i+1 < len(path); i++ {
				if path[i] == "properties" {
					s += "." + path[i+1]
					i++
				}
			}
			return s
		case "examples":
			return "example " + name
		case "securitySchemes":
			return "security scheme " + name
		}
		return kind + " " + name
	}
	return pointerOf(path)
}
