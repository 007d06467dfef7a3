module ferrule

go 1.26.8

require (
	github.com/bluekeyes/go-gitdiff v0.9.0
	github.com/emersion/go-message v0.18.2
	golang.org/x/text v0.43.0
)
