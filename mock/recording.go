package mock

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"gopkg.in/yaml.v3"

	"github.com/vendorsuite/contracts/generated/mockcontrol"
	"github.com/vendorsuite/contracts/mock/redact"
	"github.com/vendorsuite/contracts/mock/vendordef"
)

// accountOf names the fixture account a credential belongs to, as a
// reference ("care360.org_demo"), or "" when it opens none: see
// world.accountOf.
type accountOf func(vendordef.Credential) string

// volatileFields differ on every answer (generated ids), so recorded
// expectations leave them out.
var volatileFields = map[string]bool{"errorId": true, "instance": true}

// recordScenario writes journal entries as a scenario file whose replay,
// from the same starting world, gets the same answers. Credentials become
// ${credential.<vendor>.<account>} references.
func recordScenario(name string, entries []entry, r accountOf, known []vendordef.Vendor) ([]byte, error) {
	doc := mapping("name", scalar(name))
	vendors := map[string]bool{}
	for _, e := range entries {
		if e.view.Vendor != "" {
			vendors[e.view.Vendor] = true
		}
	}
	if len(vendors) == 1 {
		for v := range vendors {
			addPair(doc, "vendor", scalar(v))
		}
	}
	addPair(doc, "description", scalar(fmt.Sprintf("Recorded from the mock's journal: %d requests. Replay it from the world the recording started from.", len(entries))))
	faults, err := recordFaults(entries, r)
	if err != nil {
		return nil, err
	}
	if len(faults.Content) > 0 {
		addPair(doc, "faults", faults)
	}
	steps := &yaml.Node{Kind: yaml.SequenceNode}
	for i, e := range entries {
		step, err := recordStep(i+1, e, r, known)
		if err != nil {
			return nil, err
		}
		steps.Content = append(steps.Content, step)
	}
	addPair(doc, "steps", steps)
	return yaml.Marshal(doc)
}

// recordFaults lists the fault rules that applied to the entries, in the
// order they first applied, each limited to the number of entries it
// applied to, so the replay meets the same faults. A credential the rule
// matched on becomes a reference to its fixture account; one that belongs
// to no account is left out rather than written down.
func recordFaults(entries []entry, r accountOf) (*yaml.Node, error) {
	out := &yaml.Node{Kind: yaml.SequenceNode}
	var order []string
	rules := map[string]*mockcontrol.FaultRule{}
	counts := map[string]int{}
	for _, e := range entries {
		applied := e.view.FaultRule
		if applied == nil || applied.Id == nil {
			continue
		}
		id := *applied.Id
		if _, seen := rules[id]; !seen {
			rule := *applied
			rule.Id, rule.Hits = nil, nil
			if m := rule.Match; m.Credential != nil && *m.Credential != "" && *m.Credential != e.secret.Scope {
				if ref := r(e.secret); ref != "" && e.secret.Matches(*m.Credential) {
					m.Credential = strPtr("${credential." + ref + "}")
				} else {
					m.Credential = nil
				}
				rule.Match = m
			}
			rules[id] = &rule
			order = append(order, id)
		}
		counts[id]++
	}
	for _, id := range order {
		rule := rules[id]
		times := counts[id]
		rule.Times = &times
		b, err := json.Marshal(rule)
		if err != nil {
			return nil, err
		}
		var v any
		if err := json.Unmarshal(b, &v); err != nil {
			return nil, err
		}
		node := &yaml.Node{}
		if err := node.Encode(v); err != nil {
			return nil, err
		}
		out.Content = append(out.Content, node)
	}
	return out, nil
}

func recordStep(n int, e entry, r accountOf, vendors []vendordef.Vendor) (*yaml.Node, error) {
	v := e.view
	req := mapping("method", scalar(v.Method), "path", scalar(v.Path))
	if v.Query != "" {
		q, err := url.ParseQuery(v.Query)
		if err == nil && len(q) > 0 {
			qn := &yaml.Node{Kind: yaml.MappingNode}
			keys := make([]string, 0, len(q))
			for k := range q {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			for _, k := range keys {
				addPair(qn, k, scalar(q.Get(k)))
			}
			addPair(req, "query", qn)
		}
	}
	headers := &yaml.Node{Kind: yaml.MappingNode}
	ref := r(e.secret)
	var prefix map[string]string
	replayed := []string{"Content-Type", "Accept"}
	for _, vd := range vendors {
		if vd.Name == e.secret.Vendor {
			replayed = append(append(replayed, vd.Headers...), vd.SecretHeaders...)
			prefix = vd.SecretPrefix
		}
	}
	// Headers are written as the vendor spells them.
	for _, h := range replayed {
		val, ok := v.Headers[http.CanonicalHeaderKey(h)]
		if !ok {
			continue
		}
		if redact.Header(h) {
			if ref == "" {
				continue // an unknown credential cannot be replayed; the step shows that
			}
			val = prefix[h] + "${credential." + ref + "}"
		}
		addPair(headers, h, scalar(val))
	}
	if len(headers.Content) > 0 {
		addPair(req, "headers", headers)
	}
	if v.Body != nil {
		var body any
		if err := json.Unmarshal([]byte(*v.Body), &body); err == nil {
			node := &yaml.Node{}
			if err := node.Encode(body); err != nil {
				return nil, err
			}
			addPair(req, "body", node)
		} else {
			addPair(req, "bodyText", scalar(*v.Body))
		}
	}
	expect := mapping("status", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(v.Status)})
	if v.FaultRule != nil && takesAction(v.FaultRule) && v.Status != 0 {
		// The rule's answer, not one the vendor's document describes.
		addPair(expect, "schema", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: "false"})
	}
	if v.ResponseBody != nil && len(*v.ResponseBody) < journalBodyCap {
		var body any
		if err := json.Unmarshal([]byte(*v.ResponseBody), &body); err == nil {
			fields := &yaml.Node{Kind: yaml.MappingNode}
			flatten("$", body, fields)
			if len(fields.Content) > 0 {
				addPair(expect, "body", fields)
			}
		}
	}
	return mapping("name", scalar(fmt.Sprintf("step-%d %s %s", n, v.Method, v.Path)), "request", req, "expect", expect), nil
}

// flatten writes every leaf of a JSON value as "<path>: <value>".
func flatten(path string, v any, into *yaml.Node) {
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			if !volatileFields[k] {
				flatten(path+"."+k, x[k], into)
			}
		}
	case []any:
		if len(x) == 0 {
			node := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
			addPair(into, path, node)
		}
		for i, item := range x {
			flatten(fmt.Sprintf("%s[%d]", path, i), item, into)
		}
	default:
		node := &yaml.Node{}
		_ = node.Encode(x)
		addPair(into, path, node)
	}
}

func scalar(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }

func mapping(kv ...any) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode}
	for i := 0; i+1 < len(kv); i += 2 {
		addPair(n, kv[i].(string), kv[i+1].(*yaml.Node))
	}
	return n
}

func addPair(m *yaml.Node, key string, value *yaml.Node) {
	m.Content = append(m.Content, scalar(key), value)
}
