package validation

import (
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"
	"github.com/oapi-codegen/runtime"
)

// queryKey is the echo context key of the operation whose query the fast
// path accepted.
const queryKey = "validation.query"

// A query the fast path accepted is plain (no escape, no parameter sent
// twice or empty), so the generated parameters struct can be filled from
// the raw query directly, as oapi-codegen's binder fills it for a form,
// exploded, optional parameter: a string as sent, an integer by
// strconv.ParseInt.

type queryField struct {
	index   int  // the struct field
	param   int  // the operation's query parameter
	pointer bool // an optional parameter: *T
	integer bool
	bits    int // an integer's size
}

type queryPlan struct{ fields []queryField }

type queryPlanKey struct {
	typ reflect.Type
	op  *operation
}

var queryPlans sync.Map // queryPlanKey -> *queryPlan; nil when not covered

var binder = reflect.TypeFor[runtime.Binder]()

func queryPlanFor(t reflect.Type, op *operation) *queryPlan {
	key := queryPlanKey{t, op}
	if p, ok := queryPlans.Load(key); ok {
		return p.(*queryPlan)
	}
	p := makeQueryPlan(t, op)
	queryPlans.Store(key, p)
	return p
}

func makeQueryPlan(t reflect.Type, op *operation) *queryPlan {
	if t.Kind() != reflect.Struct || t.NumField() > maxMembers {
		return nil
	}
	p := &queryPlan{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("form"), ",")
		if !f.IsExported() || f.Anonymous || name == "" {
			return nil
		}
		param := op.queryIndex(name)
		if param < 0 {
			return nil
		}
		qf := queryField{index: i, param: param}
		ft := f.Type
		if ft.Kind() == reflect.Pointer {
			qf.pointer, ft = true, ft.Elem()
		}
		if reflect.PointerTo(ft).Implements(binder) || unmarshals(ft) {
			return nil
		}
		switch ft.Kind() {
		case reflect.String:
			if op.query[param].node.kind != stringKind {
				return nil
			}
		case reflect.Int, reflect.Int64:
			if op.query[param].node.kind != integerKind {
				return nil
			}
			qf.integer, qf.bits = true, ft.Bits()
		default:
			return nil
		}
		p.fields = append(p.fields, qf)
	}
	return p
}

// BindQuery fills into, a pointer to the generated parameters struct of
// the request's operation, from the query the fast path accepted, as the
// generated binder would, and reports true. It reports false, leaving into
// as it was, when the fast path did not accept this request or cannot fill
// that struct: the caller then binds as generated.
func BindQuery(c echo.Context, into any) bool {
	op, _ := c.Get(queryKey).(*operation)
	if op == nil {
		return false
	}
	v := reflect.ValueOf(into)
	if v.Kind() != reflect.Pointer || v.IsNil() {
		return false
	}
	p := queryPlanFor(v.Type().Elem(), op)
	if p == nil {
		return false
	}
	raw := c.Request().URL.RawQuery
	var values [maxMembers]string
	var sent uint64
	for rest := raw; rest != ""; {
		var pair string
		pair, rest, _ = strings.Cut(rest, "&")
		key, value, _ := strings.Cut(pair, "=")
		if i := op.queryIndex(key); i >= 0 {
			values[i], sent = value, sent|1<<i
		}
	}
	// Every value is parsed before anything is set: on a failure the
	// generated binder answers, into an untouched struct.
	var ints [maxMembers]int64
	for k, f := range p.fields {
		if f.integer && sent&(1<<f.param) != 0 {
			n, err := strconv.ParseInt(values[f.param], 10, 64)
			if err != nil || f.bits < 64 && (n < -1<<(f.bits-1) || n >= 1<<(f.bits-1)) {
				return false
			}
			ints[k] = n
		}
	}
	s := v.Elem()
	for k, f := range p.fields {
		if sent&(1<<f.param) == 0 {
			continue
		}
		field := s.Field(f.index)
		target := field
		if f.pointer {
			target = reflect.New(field.Type().Elem()).Elem()
		}
		if f.integer {
			target.SetInt(ints[k])
		} else {
			target.SetString(values[f.param])
		}
		if f.pointer {
			field.Set(target.Addr())
		}
	}
	return true
}
