package config

import (
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

var fieldNotFound = regexp.MustCompile(`^line (\d+): field (\S+) not found in type `)

// unknownKey rewrites yaml's "field X not found in type struct {…}" as
// the user wrote it: "line 2: unknown key store.pth (did you mean
// path?)", the key's full path found in the file b.
func unknownKey(b []byte, msg string) string {
	m := fieldNotFound.FindStringSubmatch(msg)
	if m == nil {
		return msg
	}
	line, _ := strconv.Atoi(m[1])
	var root yaml.Node
	if yaml.Unmarshal(b, &root) != nil {
		return msg
	}
	path, ok := findKey(&root, line, m[2], nil)
	if !ok {
		return fmt.Sprintf("line %d: unknown key %s", line, m[2])
	}
	out := fmt.Sprintf("line %d: unknown key %s", line, strings.Join(append(path, m[2]), "."))
	if best := closest(m[2], keysAt(reflect.TypeOf(fileConfig{}), path)); best != "" {
		out += fmt.Sprintf(" (did you mean %s?)", best)
	}
	return out
}

// findKey is the path of the mapping holding key at line ("mailboxes[0]",
// "imap").
func findKey(n *yaml.Node, line int, key string, path []string) ([]string, bool) {
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			if p, ok := findKey(c, line, key, path); ok {
				return p, true
			}
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Line == line && k.Value == key {
				return path, true
			}
			if p, ok := findKey(n.Content[i+1], line, key, append(append([]string{}, path...), k.Value)); ok {
				return p, true
			}
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			p := append([]string{}, path...)
			if len(p) > 0 {
				p[len(p)-1] += "[" + strconv.Itoa(i) + "]"
			}
			if p, ok := findKey(c, line, key, p); ok {
				return p, true
			}
		}
	}
	return nil, false
}

// keysAt are the keys the file's schema allows under path.
func keysAt(t reflect.Type, path []string) []string {
	for _, step := range path {
		if i := strings.IndexByte(step, '['); i >= 0 {
			step = step[:i]
		}
		f, ok := fieldByKey(t, step)
		if !ok {
			return nil
		}
		t = f.Type
	}
	return keysOf(t)
}

func elem(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	return t
}

func fieldByKey(t reflect.Type, key string) (reflect.StructField, bool) {
	t = elem(t)
	if t.Kind() != reflect.Struct {
		return reflect.StructField{}, false
	}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := strings.Split(f.Tag.Get("yaml"), ",")
		if tag[0] == key {
			return f, true
		}
		if len(tag) > 1 && tag[1] == "inline" {
			if g, ok := fieldByKey(f.Type, key); ok {
				return g, true
			}
		}
	}
	return reflect.StructField{}, false
}

func keysOf(t reflect.Type) []string {
	t = elem(t)
	if t.Kind() != reflect.Struct {
		return nil
	}
	var keys []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := strings.Split(f.Tag.Get("yaml"), ",")
		if len(tag) > 1 && tag[1] == "inline" {
			keys = append(keys, keysOf(f.Type)...)
		} else if tag[0] != "" && tag[0] != "-" {
			keys = append(keys, tag[0])
		}
	}
	return keys
}

// closest is the known key nearest to key (at most a third of its
// letters edited), or "".
func closest(key string, known []string) string {
	best, bestD := "", len(key)/3+1
	for _, k := range known {
		if d := distance(key, k); d < bestD {
			best, bestD = k, d
		}
	}
	return best
}

// distance is the Levenshtein distance of a and b.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
