package validation

import (
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
	"unsafe"

	"github.com/getkin/kin-openapi/openapi3"
)

// A compiled schema answers one question about a value, without decoding
// it: is it accepted exactly as sent? "No" never means refused, only that
// the compiled form is not sure (a wrong value, a keyword it does not
// compile, an escape it does not read, a member sent twice, a member the
// schema does not declare), and kin-openapi then decides and words the
// refusal as before. So every refusal keeps its text and its order by
// construction; what the compiled form must get right is never to accept
// what kin-openapi refuses or what the handler would see differently.

type kind uint8

const (
	// opaque is a schema the compiler does not understand: any value
	// there makes the answer "not sure".
	opaque kind = iota
	stringKind
	integerKind
	booleanKind
	arrayKind
	objectKind
	oneOfKind
)

type node struct {
	kind     kind
	nullable bool

	// strings
	enum      []string
	minLength uint64
	maxLength uint64 // unbounded when hasMax is false
	hasMax    bool
	pattern   func(string) bool
	format    func(string) bool

	// integers (parameters only: a number in a body is never accepted)
	min, max *float64
	bits     int

	// arrays
	items *node

	// objects; required and seen members are bit sets over props
	props    []member
	required uint64

	// oneOf chosen by a discriminator
	discriminator string
	branches      []branch
}

type branch struct {
	tag  string
	node *node
}

type member struct {
	name string
	node *node
}

// maxMembers is the most properties an object schema may declare to be
// compiled: the members seen are tracked in one uint64.
const maxMembers = 64

var opaqueNode = &node{kind: opaque}

// compiler turns kin-openapi schemas into nodes, once per schema.
type compiler struct {
	done  map[*openapi3.Schema]*node
	stack []*openapi3.Schema
}

func newCompiler() *compiler { return &compiler{done: map[*openapi3.Schema]*node{}} }

// compile returns the node for s; a schema with anything the compiler
// does not handle the way kin-openapi v0.152 validates it is opaque.
func (c *compiler) compile(s *openapi3.Schema) *node {
	if s == nil {
		return opaqueNode
	}
	if n, ok := c.done[s]; ok {
		return n
	}
	for _, open := range c.stack {
		if open == s {
			// Recursive schemas: kin-openapi stops at a schema it is
			// already inside; not worth matching here.
			return opaqueNode
		}
	}
	c.stack = append(c.stack, s)
	n := c.compileNew(s)
	c.stack = c.stack[:len(c.stack)-1]
	c.done[s] = n
	return n
}

func (c *compiler) compileNew(s *openapi3.Schema) *node {
	if !onlyCompiledKeywords(s) {
		return opaqueNode
	}
	if len(s.OneOf) > 0 {
		return c.compileOneOf(s)
	}
	if s.Discriminator != nil || s.Type == nil || len(s.Type.Slice()) != 1 {
		return opaqueNode
	}
	n := &node{nullable: s.Nullable}
	t := s.Type.Slice()[0]
	// Keywords of another type are ignored by kin-openapi for this one, but
	// a schema carrying them is unusual enough to leave to it.
	switch t {
	case openapi3.TypeString:
		if s.Min != nil || s.Max != nil || s.Items != nil || len(s.Properties) > 0 || len(s.Required) > 0 {
			return opaqueNode
		}
		n.kind = stringKind
		for _, v := range s.Enum {
			str, ok := v.(string)
			if !ok {
				return opaqueNode
			}
			n.enum = append(n.enum, str)
		}
		n.minLength = s.MinLength
		if s.MaxLength != nil {
			n.maxLength, n.hasMax = *s.MaxLength, true
		}
		if s.Pattern != "" {
			if strings.Contains(s.Pattern, `\u`) {
				// kin-openapi rewrites \uXXXX before compiling.
				return opaqueNode
			}
			re, err := regexp.Compile(s.Pattern)
			if err != nil {
				return opaqueNode
			}
			n.pattern = re.MatchString
			if s.Pattern == `\S` {
				// The documents' "not blank": the same answer as the
				// regexp for valid UTF-8, without running it.
				n.pattern = notBlank
			}
		}
		switch s.Format {
		case "":
		case "date":
			n.format = IsDate
		case "date-time":
			n.format = func(v string) bool { return checkDateTime(v) == nil }
		case "email":
			n.format = EmailAddress
		default:
			return opaqueNode
		}
	case openapi3.TypeInteger:
		if len(s.Enum) > 0 || s.Format != "" || s.MinLength != 0 || s.MaxLength != nil || s.Pattern != "" || s.Items != nil || len(s.Properties) > 0 || len(s.Required) > 0 {
			return opaqueNode
		}
		n.kind, n.min, n.max, n.bits = integerKind, s.Min, s.Max, 64
	case openapi3.TypeBoolean:
		if len(s.Enum) > 0 || s.Format != "" || s.MinLength != 0 || s.MaxLength != nil || s.Pattern != "" || s.Min != nil || s.Max != nil || s.Items != nil || len(s.Properties) > 0 || len(s.Required) > 0 {
			return opaqueNode
		}
		n.kind = booleanKind
	case openapi3.TypeArray:
		if len(s.Enum) > 0 || s.Format != "" || s.MinLength != 0 || s.MaxLength != nil || s.Pattern != "" || s.Min != nil || s.Max != nil || len(s.Properties) > 0 || len(s.Required) > 0 || s.Items == nil {
			return opaqueNode
		}
		n.kind = arrayKind
		n.items = c.compile(s.Items.Value)
	case openapi3.TypeObject:
		if len(s.Enum) > 0 || s.Format != "" || s.MinLength != 0 || s.MaxLength != nil || s.Pattern != "" || s.Min != nil || s.Max != nil || s.Items != nil || len(s.Properties) > maxMembers {
			return opaqueNode
		}
		n.kind = objectKind
		for _, name := range componentNames(s.Properties) {
			ref := s.Properties[name]
			if ref == nil || ref.Value == nil || ref.Value.ReadOnly || ref.Value.WriteOnly {
				// readOnly members change what "required" and a sent
				// member mean in a request.
				return opaqueNode
			}
			n.props = append(n.props, member{name: name, node: c.compile(ref.Value)})
		}
		for _, name := range s.Required {
			i := n.memberIndex(name)
			if i < 0 {
				// Required but not declared: kin-openapi asks for a member
				// that, sent, would then be undeclared.
				return opaqueNode
			}
			n.required |= 1 << i
		}
	default:
		return opaqueNode
	}
	return n
}

// compileOneOf compiles a oneOf whose branch the discriminator's mapping
// names: kin-openapi then validates the value against that branch alone.
func (c *compiler) compileOneOf(s *openapi3.Schema) *node {
	d := s.Discriminator
	if d == nil || len(d.Mapping) == 0 || d.PropertyName == "" || s.Type != nil || s.Nullable ||
		len(s.Enum) > 0 || s.Format != "" || s.MinLength != 0 || s.MaxLength != nil || s.Pattern != "" ||
		s.Min != nil || s.Max != nil || s.Items != nil || len(s.Properties) > 0 || len(s.Required) > 0 ||
		s.AdditionalProperties.Has != nil || s.AdditionalProperties.Schema != nil {
		return opaqueNode
	}
	n := &node{kind: oneOfKind, discriminator: d.PropertyName}
	for _, tag := range componentNames(d.Mapping) {
		ref := d.Mapping[tag].Ref
		if ref != "" && !strings.Contains(ref, "/") {
			ref = "#/components/schemas/" + ref
		}
		same := 0
		for _, option := range s.OneOf {
			if option.Ref == ref {
				same++
			}
		}
		if same != 1 {
			// kin-openapi validates every branch with the mapped ref: two
			// such branches both match, which oneOf refuses.
			continue
		}
		for _, option := range s.OneOf {
			if option.Ref == ref && option.Value != nil {
				b := c.compile(option.Value)
				if b.kind == objectKind && b.memberIndex(d.PropertyName) >= 0 {
					n.branches = append(n.branches, branch{tag, b})
				}
				break
			}
		}
	}
	return n
}

// onlyCompiledKeywords reports whether s sets nothing but the keywords the
// compiler reads and words that do not validate.
func onlyCompiledKeywords(s *openapi3.Schema) bool {
	rest := *s
	rest.Extensions, rest.Origin = nil, nil
	rest.Title, rest.Description, rest.Example, rest.Examples, rest.ExternalDocs = "", "", nil, nil, nil
	rest.Deprecated, rest.XML, rest.Comment = false, nil, ""
	// Defaults are never set into requests (SkipSettingDefaults).
	rest.Default = nil
	rest.OneOf, rest.Discriminator, rest.Type, rest.Nullable, rest.Enum, rest.Format = nil, nil, nil, false, nil, ""
	rest.MinLength, rest.MaxLength, rest.Pattern, rest.Min, rest.Max = 0, nil, "", nil, nil
	rest.Items, rest.Required, rest.Properties = nil, nil, nil
	// Any additionalProperties is fine: a member the schema does not
	// declare is never accepted here.
	rest.AdditionalProperties = openapi3.AdditionalProperties{}
	return reflect.ValueOf(rest).IsZero()
}

func (n *node) memberIndex(name string) int {
	for i, m := range n.props {
		if m.name == name {
			return i
		}
	}
	return -1
}

// memberIndexBytes is memberIndex for a key as sent.
func (n *node) memberIndexBytes(name []byte) int {
	for i, m := range n.props {
		if string(name) == m.name {
			return i
		}
	}
	return -1
}

// componentNames are m's keys in order: declaration order does not matter
// to validation, and a fixed order keeps the compiled form the same from
// run to run.
func componentNames[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}

// acceptsString checks a string as kin-openapi does: enum, then length in
// characters (kin-openapi counts the runes of the decoded string), pattern
// and format. v must be valid UTF-8.
func (n *node) acceptsString(v string) bool {
	if n.kind != stringKind {
		return false
	}
	if len(n.enum) > 0 {
		found := false
		for _, e := range n.enum {
			if e == v {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	if n.minLength != 0 || n.hasMax {
		length := uint64(utf8.RuneCountInString(v))
		if length < n.minLength || n.hasMax && length > n.maxLength {
			return false
		}
	}
	if n.pattern != nil && !n.pattern(v) {
		return false
	}
	if n.format != nil && !n.format(v) {
		return false
	}
	return true
}

// notBlank reports whether v, valid UTF-8, matches the regexp \S: whether
// it holds a character other than \t, \n, \f, \r and space (the only
// characters \s matches in Go's syntax).
func notBlank(v string) bool {
	for i := 0; i < len(v); i++ {
		switch v[i] {
		case '\t', '\n', '\f', '\r', ' ':
		default:
			return true
		}
	}
	return false
}

// depth is how deeply the arrays and objects of a value n accepts can
// nest.
func (n *node) depth() int {
	d := 0
	switch n.kind {
	case arrayKind:
		d = 1 + n.items.depth()
	case objectKind:
		for _, m := range n.props {
			d = max(d, m.node.depth())
		}
		d++
	case oneOfKind:
		for _, b := range n.branches {
			d = max(d, b.node.depth())
		}
	}
	return d
}

// scanner walks a JSON body it has not seen before. It accepts only what
// it reads exactly as encoding/json does: objects, arrays, strings without
// escapes, true, false and null, in strict JSON syntax. Anything else,
// valid JSON or not, is "not sure", and the body then goes through the
// full syntax check and kin-openapi.
type scanner struct {
	b []byte
	i int
	// text counts the bytes of the string values accepted.
	text int
}

// peek is the byte at s.i, or 0 at the end.
func (s *scanner) peek() byte {
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

func (s *scanner) space() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// expect moves past c after optional space, or reports false.
func (s *scanner) expect(c byte) bool {
	s.space()
	if s.peek() != c {
		return false
	}
	s.i++
	return true
}

// literal moves past word at s.i, or reports false.
func (s *scanner) literal(word string) bool {
	if len(s.b)-s.i < len(word) || string(s.b[s.i:s.i+len(word)]) != word {
		return false
	}
	s.i += len(word)
	return true
}

// plainString reads the string at s.i, returning its contents when it has
// no escape, no control character and is valid UTF-8 (then the contents
// are the decoded string byte for byte), or ok false.
func (s *scanner) plainString() (v []byte, ok bool) {
	if s.peek() != '"' {
		return nil, false
	}
	start := s.i + 1
	ascii := true
	for j := start; j < len(s.b); j++ {
		c := s.b[j]
		if !stringSpecial[c] {
			continue
		}
		switch {
		case c == '"':
			s.i = j + 1
			v = s.b[start:j]
			return v, ascii || utf8.Valid(v)
		case c >= utf8.RuneSelf:
			ascii = false
		default: // an escape or a control character
			return nil, false
		}
	}
	return nil, false
}

// stringSpecial marks the bytes plainString stops at inside a string.
var stringSpecial = func() (t [256]bool) {
	for c := range 0x20 {
		t[c] = true
	}
	for c := utf8.RuneSelf; c < 256; c++ {
		t[c] = true
	}
	t['"'], t['\\'] = true, true
	return t
}()

// value reports whether the value at s.i is accepted as sent by n, and
// moves past it.
func (s *scanner) value(n *node) bool {
	s.space()
	switch s.peek() {
	case 'n':
		// kin-openapi accepts null wherever nullable is set, before any
		// other keyword; an opaque schema's answer is not known.
		return n.nullable && n.kind != opaque && s.literal("null")
	case 't':
		return n.kind == booleanKind && s.literal("true")
	case 'f':
		return n.kind == booleanKind && s.literal("false")
	case '"':
		v, ok := s.plainString()
		s.text += len(v)
		// The string is a view of the body, which is never changed: the
		// checkers only read it.
		return ok && n.acceptsString(unsafeString(v))
	case '[':
		return s.array(n)
	case '{':
		switch n.kind {
		case objectKind:
			return s.object(n)
		case oneOfKind:
			b, _, ok := s.branch(n)
			return ok && s.object(b)
		}
		return false
	}
	// Numbers: no request body of the documents holds one, and the
	// integer check on a decoded float is kin-openapi's to make.
	return false
}

func (s *scanner) array(n *node) bool {
	if n.kind != arrayKind {
		return false
	}
	s.i++ // [
	s.space()
	if s.peek() == ']' {
		s.i++
		return true
	}
	for {
		if !s.value(n.items) {
			return false
		}
		s.space()
		switch s.peek() {
		case ']':
			s.i++
			return true
		case ',':
			s.i++
		default:
			return false
		}
	}
}

func (s *scanner) object(n *node) bool {
	if n.kind != objectKind || !s.expect('{') {
		return false
	}
	var seen uint64
	s.space()
	if s.peek() == '}' {
		s.i++
		return seen&n.required == n.required
	}
	for {
		s.space()
		key, ok := s.plainString()
		if !ok {
			return false
		}
		at := n.memberIndexBytes(key)
		if at < 0 || seen&(1<<at) != 0 {
			// Undeclared (dropped or refused by policy) or sent twice
			// (kin-openapi keeps the last): not the body as sent.
			return false
		}
		seen |= 1 << at
		if !s.expect(':') || !s.value(n.props[at].node) {
			return false
		}
		s.space()
		switch s.peek() {
		case '}':
			s.i++
			return seen&n.required == n.required
		case ',':
			s.i++
		default:
			return false
		}
	}
}

// branch finds the discriminator member of the object at s.i, without
// moving, and returns the branch its value names. It only looks: object
// then checks the whole object, that member included.
func (s *scanner) branch(n *node) (*node, string, bool) {
	look := scanner{b: s.b, i: s.i}
	if !look.expect('{') {
		return nil, "", false
	}
	var tag []byte
	found := false
	for {
		look.space()
		key, ok := look.plainString()
		if !ok || !look.expect(':') {
			return nil, "", false
		}
		look.space()
		if string(key) == n.discriminator {
			if found {
				return nil, "", false
			}
			if tag, ok = look.plainString(); !ok {
				return nil, "", false
			}
			found = true
		} else if !look.skip() {
			return nil, "", false
		}
		look.space()
		switch look.peek() {
		case ',':
			look.i++
			continue
		case '}':
		default:
			return nil, "", false
		}
		break
	}
	if !found {
		return nil, "", false
	}
	for _, b := range n.branches {
		if string(tag) == b.tag {
			return b.node, b.tag, true
		}
	}
	return nil, "", false
}

// skip moves past the value at s.i, roughly: it only has to stop, since
// whatever it passes over is checked again by object. False for a string
// it cannot read or a value that does not end.
func (s *scanner) skip() bool {
	switch s.peek() {
	case '"':
		_, ok := s.plainString()
		return ok
	case '{', '[':
		depth := 0
		for s.i < len(s.b) {
			switch s.b[s.i] {
			case '"':
				if _, ok := s.plainString(); !ok {
					return false
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					s.i++
					return true
				}
			}
			s.i++
		}
		return false
	}
	start := s.i
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ',', '}', ']', ' ', '\t', '\r', '\n':
			return s.i > start
		}
		s.i++
	}
	return false
}

// acceptsBody reports whether body is accepted by n exactly as sent; a
// body it accepts is valid JSON. accepted is the node that accepted it:
// n, or the branch of a oneOf, whose discriminator's value is tag; text is
// the length of its string values.
func (n *node) acceptsBody(body []byte) (accepted *node, tag string, text int, ok bool) {
	s := scanner{b: body}
	accepted = n
	if n.kind == oneOfKind {
		s.space()
		b, t, ok := s.branch(n)
		if !ok || !s.object(b) {
			return nil, "", 0, false
		}
		accepted, tag = b, t
	} else if !s.value(n) {
		return nil, "", 0, false
	}
	s.space()
	return accepted, tag, s.text, s.i == len(s.b)
}

func unsafeString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}
