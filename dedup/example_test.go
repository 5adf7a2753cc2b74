package dedup_test

import (
	"bytes"
	"context"
	"fmt"
	"log"
	"time"

	"github.com/newsdup/newsdup/dedup"
)

func ExampleDetector_Add() {
	d, err := dedup.NewDetector(dedup.Config{})
	if err != nil {
		log.Fatal(err)
	}
	day := time.Date(2024, 5, 6, 9, 0, 0, 0, time.UTC)
	stories := []dedup.Story{
		{ID: "wire-1", Time: day, Text: `Heavy rain flooded the old town of Porto on Monday, forcing the evacuation of 300 residents.
"We have never seen the river this high," mayor Ana Costa told reporters.
Firefighters pumped water out of dozens of cellars along the Douro, and schools stayed closed.`},
		{ID: "site-7", Time: day.Add(2 * time.Hour), Title: "Porto floods: hundreds evacuated",
			Text: `Heavy rain flooded the old town of Porto on Monday, forcing the evacuation of 300 residents.
"We have never seen the river this high," mayor Ana Costa told reporters.
Subscribe to our newsletter.`},
		{ID: "paper-3", Time: day.Add(5 * time.Hour), Text: `Mayor Ana Costa said "we have never seen the river this high" after the Douro burst its banks in Porto.
About 300 people were moved out of the old town, and firefighters pumped out flooded cellars.`},
		{ID: "wire-2", Time: day.Add(6 * time.Hour), Text: `Lisbon's airport reopened on Monday after a software fault grounded flights for three hours.`},
	}
	for _, s := range stories {
		r, err := d.Add(s)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s: %s, cluster %s\n", r.ID, r.Kind, r.Cluster)
	}
	// Output:
	// wire-1: new, cluster wire-1
	// site-7: copy, cluster wire-1
	// paper-3: same_story, cluster wire-1
	// wire-2: new, cluster wire-2
}

func ExampleMatch_passages() {
	d, err := dedup.NewDetector(dedup.Config{})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := d.Add(dedup.Story{ID: "a", Text: `The minister said "the budget will be balanced by 2026" at a press conference in Vienna on Tuesday, where she also announced lower taxes for small firms.`}); err != nil {
		log.Fatal(err)
	}
	r, err := d.Add(dedup.Story{ID: "b", Text: `Austria's finance minister promised in Vienna that "the budget will be balanced by 2026", and cut taxes for small firms.`})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(r.Kind)
	for _, m := range r.Matches {
		for _, p := range m.Passages {
			fmt.Printf("shares %q (quote: %v)\n", p.Text, p.Quote)
		}
	}
	// Output:
	// same_story
	// shares "budget will be balanced by 2026" (quote: true)
}

// Two workers share one state: what one adds, the other compares with. Here
// they share a MemoryStore inside one process; package dedup/redisstore gives
// a Store on a Redis server for workers in several processes.
func ExampleNewSharedDetector() {
	ctx := context.Background()
	store := new(dedup.MemoryStore)
	worker1, err := dedup.NewSharedDetector(ctx, dedup.Config{}, store)
	if err != nil {
		log.Fatal(err)
	}
	worker2, err := dedup.NewSharedDetector(ctx, dedup.Config{}, store)
	if err != nil {
		log.Fatal(err)
	}
	wire := `Heavy rain flooded the old town of Porto on Monday, forcing the evacuation of 300 residents.
"We have never seen the river this high," mayor Ana Costa told reporters.
Firefighters pumped water out of dozens of cellars along the Douro, and schools stayed closed.`
	r, err := worker1.Add(dedup.Story{ID: "wire-1", Text: wire})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("worker 1: %s %s\n", r.ID, r.Kind)
	r, err = worker2.Add(dedup.Story{ID: "site-7", Title: "Porto floods", Text: wire + "\nSubscribe to our newsletter."})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("worker 2: %s %s of %s\n", r.ID, r.Kind, r.Cluster)
	// Output:
	// worker 1: wire-1 new
	// worker 2: site-7 copy of wire-1
}

// porto is a wire story of the examples below.
const porto = `Heavy rain flooded the old town of Porto on Monday, forcing the evacuation of 300 residents.
"We have never seen the river this high," mayor Ana Costa told reporters.
Firefighters pumped water out of dozens of cellars along the Douro, and schools stayed closed.`

// Query tells what a story would be without adding it: a pipeline can ask
// before it stores a story, and add it only if it is new.
func ExampleDetector_Query() {
	d, err := dedup.NewDetector(dedup.Config{})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := d.Add(dedup.Story{ID: "wire-1", Text: porto}); err != nil {
		log.Fatal(err)
	}
	r, err := d.Query(dedup.Story{ID: "site-7", Text: porto + "\nRead more on our site."})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s would be a %s of %s; the detector holds %d story\n", r.ID, r.Kind, r.Cluster, d.Len())
	// Output:
	// site-7 would be a copy of wire-1; the detector holds 1 story
}

// Remove takes back a story (retracted, or added by mistake) and what was
// learned from it; its cluster keeps its name while it has members.
func ExampleDetector_Remove() {
	d, err := dedup.NewDetector(dedup.Config{})
	if err != nil {
		log.Fatal(err)
	}
	for _, s := range []dedup.Story{{ID: "wire-1", Text: porto}, {ID: "site-7", Text: porto + "\nRead more on our site."}} {
		if _, err := d.Add(s); err != nil {
			log.Fatal(err)
		}
	}
	if err := d.Remove("wire-1"); err != nil {
		log.Fatal(err)
	}
	c, _ := d.ClusterOf("site-7")
	fmt.Println(c.ID, c.Stories)
	fmt.Println(d.Remove("wire-1"))
	// Output:
	// wire-1 [site-7]
	// dedup: story not found: story "wire-1": no such story
}

// AddBatch adds many stories at once, analysing them on every core, with the
// results Add would give one after the other.
func ExampleDetector_AddBatch() {
	d, err := dedup.NewDetector(dedup.Config{})
	if err != nil {
		log.Fatal(err)
	}
	rs, err := d.AddBatch([]dedup.Story{
		{ID: "wire-1", Text: porto},
		{ID: "site-7", Text: porto + "\nRead more on our site."},
		{ID: "wire-2", Text: "Lisbon's airport reopened on Monday after a software fault grounded flights for three hours."},
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range rs {
		fmt.Println(r.ID, r.Kind, r.Cluster)
	}
	// Output:
	// wire-1 new wire-1
	// site-7 copy wire-1
	// wire-2 new wire-2
}

// Save and Load keep a detector's state across restarts (SaveFile and
// LoadFile write and read a file atomically).
func ExampleLoad() {
	d, err := dedup.NewDetector(dedup.Config{})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := d.Add(dedup.Story{ID: "wire-1", Text: porto}); err != nil {
		log.Fatal(err)
	}
	var snapshot bytes.Buffer
	if err := d.Save(&snapshot); err != nil {
		log.Fatal(err)
	}

	restarted, err := dedup.Load(&snapshot, dedup.Config{})
	if err != nil {
		log.Fatal(err)
	}
	r, err := restarted.Add(dedup.Story{ID: "site-7", Text: porto + "\nRead more on our site."})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(r.ID, r.Kind, r.Cluster)
	// Output:
	// site-7 copy wire-1
}
