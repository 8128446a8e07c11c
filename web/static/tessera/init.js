// Start GOV.UK Frontend (v6) and MOJ Frontend (v11) components on every page, and again on
// any content htmx swaps in. Both are ES modules; each initAll() finds its components by
// their data-module attributes and does nothing unless <body> has `govuk-frontend-supported`
// (set by the inline script at the top of base.html).
import { initAll as initGovukFrontend } from '../build/govuk-frontend.min.js'
import { initAll as initMojFrontend } from '../build/moj-frontend.min.js'

// A browser too old for the components is not an error: the pages work without JavaScript.
function onError (error, context) {
  if (error && error.name === 'SupportError') return
  console.error(error, context)
}

function start (scope) {
  initGovukFrontend({ scope, onError })
  initMojFrontend({ scope, onError })
}

start(document)

// htmx fires htmx:load for each element it adds. The first one is <body> itself, at start-up,
// which is already done above.
document.addEventListener('htmx:load', (event) => {
  const element = event.detail && event.detail.elt
  if (element instanceof Element && element !== document.body) {
    start(element)
  }
})
