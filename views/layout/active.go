package layout

import "strings"

// ActiveFor is the key of the panel's navigation item that a path lies
// under (the item with the longest matching address), or "" for none:
// for pages that are not an item's own, such as the confirmation step,
// which highlights the item of the page the form was on.
func ActiveFor(panel, path string) string {
	path, _, _ = strings.Cut(path, "?")
	key, best := "", 0
	for _, item := range navigation(panel) {
		if (path == item.Href || strings.HasPrefix(path, item.Href+"/")) && len(item.Href) > best {
			key, best = item.Key, len(item.Href)
		}
	}
	return key
}
