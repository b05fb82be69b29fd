package main

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
)

// Rule is one named, weighted condition; a record's risk score is the sum of the weights
// of the rules it matches.
type Rule struct {
	Name   string
	Weight float64
	Expr   Node
}

// ParseRules reads lines of the form `NAME WEIGHT: EXPRESSION`; blank lines and lines
// starting with '#' are skipped. Field names are resolved against schema.
func ParseRules(in io.Reader, schema []string) ([]Rule, error) {
	var rules []Rule
	sc := bufio.NewScanner(in)
	lineNo := 0
	for sc.Scan() {
		lineNo++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		head, body, ok := strings.Cut(line, ":")
		fields := strings.Fields(head)
		if !ok || len(fields) != 2 {
			return nil, fmt.Errorf("line %d: want `NAME WEIGHT: EXPRESSION`", lineNo)
		}
		w, err := strconv.ParseFloat(fields[1], 64)
		if err != nil {
			return nil, fmt.Errorf("line %d: bad weight %q", lineNo, fields[1])
		}
		p := &parser{src: body, schema: schema}
		p.next()
		expr, err := p.parseExpr()
		if err == nil && p.tok != tokEOF {
			err = p.errorf("unexpected %q", p.text)
		}
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", lineNo, err)
		}
		rules = append(rules, Rule{Name: fields[0], Weight: w, Expr: expr})
	}
	return rules, sc.Err()
}

type token int

const (
	tokEOF token = iota
	tokNum
	tokStr
	tokIdent
	tokOp
)

type parser struct {
	src    string
	pos    int
	tok    token
	text   string
	schema []string
}

func (p *parser) errorf(format string, args ...any) error {
	return fmt.Errorf("column %d: %s", p.pos, fmt.Sprintf(format, args...))
}

// next scans the following token into p.tok / p.text.
func (p *parser) next() {
	for p.pos < len(p.src) && p.src[p.pos] == ' ' || p.pos < len(p.src) && p.src[p.pos] == '\t' {
		p.pos++
	}
	if p.pos >= len(p.src) {
		p.tok, p.text = tokEOF, ""
		return
	}
	start := p.pos
	c := rune(p.src[p.pos])
	switch {
	case unicode.IsDigit(c) || c == '.':
		for p.pos < len(p.src) && (unicode.IsDigit(rune(p.src[p.pos])) || p.src[p.pos] == '.') {
			p.pos++
		}
		p.tok = tokNum
	case unicode.IsLetter(c) || c == '_':
		for p.pos < len(p.src) && (unicode.IsLetter(rune(p.src[p.pos])) || unicode.IsDigit(rune(p.src[p.pos])) || p.src[p.pos] == '_') {
			p.pos++
		}
		p.tok = tokIdent
	case c == '"':
		p.pos++
		for p.pos < len(p.src) && p.src[p.pos] != '"' {
			p.pos++
		}
		p.pos++ // closing quote (a missing one ends the string at the line's end)
		p.tok = tokStr
		p.text = strings.Trim(p.src[start:min(p.pos, len(p.src))], `"`)
		return
	default:
		two := ""
		if p.pos+1 < len(p.src) {
			two = p.src[p.pos : p.pos+2]
		}
		switch two {
		case "&&", "||", "==", "!=", "<=", ">=":
			p.pos += 2
		default:
			p.pos++
		}
		p.tok = tokOp
	}
	p.text = p.src[start:p.pos]
}

func (p *parser) accept(op string) bool {
	if (p.tok == tokOp || p.tok == tokIdent) && p.text == op {
		p.next()
		return true
	}
	return false
}

func (p *parser) expect(op string) error {
	if !p.accept(op) {
		return p.errorf("expected %q, found %q", op, p.text)
	}
	return nil
}

func (p *parser) parseExpr() (Node, error) { return p.parseBinary(0) }

// Binary operators by precedence level, loosest first.
var levels = [][]string{
	{"||"},
	{"&&"},
	{"==", "!=", "<", "<=", ">", ">=", "in"},
	{"+", "-"},
	{"*", "/", "%"},
}

func (p *parser) parseBinary(level int) (Node, error) {
	if level == len(levels) {
		return p.parseUnary()
	}
	left, err := p.parseBinary(level + 1)
	if err != nil {
		return nil, err
	}
	for {
		op := ""
		for _, o := range levels[level] {
			if (p.tok == tokOp || p.tok == tokIdent) && p.text == o {
				op = o
				break
			}
		}
		if op == "" {
			return left, nil
		}
		p.next()
		if op == "in" {
			list, err := p.parseList()
			if err != nil {
				return nil, err
			}
			left = &In{X: left, List: list}
			continue
		}
		right, err := p.parseBinary(level + 1)
		if err != nil {
			return nil, err
		}
		left = makeBinary(op, left, right)
	}
}

func makeBinary(op string, l, r Node) Node {
	switch op {
	case "||":
		return &Or{l, r}
	case "&&":
		return &And{l, r}
	case "==":
		return &Eq{l, r}
	case "!=":
		return &Ne{l, r}
	case "<":
		return &Lt{l, r}
	case "<=":
		return &Le{l, r}
	case ">":
		return &Gt{l, r}
	case ">=":
		return &Ge{l, r}
	case "+":
		return &Add{l, r}
	case "-":
		return &Sub{l, r}
	case "*":
		return &Mul{l, r}
	case "/":
		return &Div{l, r}
	default:
		return &Mod{l, r}
	}
}

func (p *parser) parseList() ([]Node, error) {
	if err := p.expect("("); err != nil {
		return nil, err
	}
	var list []Node
	for !p.accept(")") {
		if len(list) > 0 {
			if err := p.expect(","); err != nil {
				return nil, err
			}
		}
		e, err := p.parseExpr()
		if err != nil {
			return nil, err
		}
		list = append(list, e)
	}
	return list, nil
}

func (p *parser) parseUnary() (Node, error) {
	switch {
	case p.accept("-"):
		x, err := p.parseUnary()
		return &Neg{x}, err
	case p.accept("!"):
		x, err := p.parseUnary()
		return &Not{x}, err
	}
	return p.parsePrimary()
}

func (p *parser) parsePrimary() (Node, error) {
	text := p.text
	switch p.tok {
	case tokNum:
		v, err := strconv.ParseFloat(text, 64)
		if err != nil {
			return nil, p.errorf("bad number %q", text)
		}
		p.next()
		return &NumLit{v}, nil
	case tokStr:
		p.next()
		return &StrLit{text}, nil
	case tokIdent:
		p.next()
		if p.tok == tokOp && p.text == "(" {
			b, ok := builtins[text]
			if !ok {
				return nil, p.errorf("unknown function %q", text)
			}
			args, err := p.parseList()
			if err != nil {
				return nil, err
			}
			if len(args) != b.arity {
				return nil, p.errorf("%s takes %d arguments, got %d", text, b.arity, len(args))
			}
			return &Call{Name: text, Fn: b.fn, Args: args, buf: make([]Value, len(args))}, nil
		}
		for i, f := range p.schema {
			if f == text {
				return &FieldRef{Index: i, Name: text}, nil
			}
		}
		if text == "true" || text == "false" {
			return &NumLit{map[bool]float64{true: 1}[text == "true"]}, nil
		}
		return nil, p.errorf("unknown field %q", text)
	case tokOp:
		if p.accept("(") {
			e, err := p.parseExpr()
			if err != nil {
				return nil, err
			}
			return e, p.expect(")")
		}
	}
	return nil, p.errorf("unexpected %q", text)
}
