#!/usr/bin/env node
// Build Tessera's front end into web/static/build/ (gitignored):
//
//   tessera.css              assets/tessera.scss compiled with Dart Sass
//   assets/images/…          only the GOV.UK Frontend / MOJ Frontend images the CSS refers to
//   govuk-frontend.min.js    GOV.UK Frontend's ES module (+ source map)
//   moj-frontend.min.js      MOJ Frontend's ES module (+ source map)
//   htmx.min.js              htmx
//   axe.min.js               axe-core, loaded only by the browser tests
//
// Any failure prints one clear line and exits non-zero, so `make assets` stops.

import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const started = performance.now()
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const nodeModules = path.join(root, 'node_modules')
const outDir = path.join(root, 'web', 'static', 'build')
const relative = (file) => path.relative(root, file)

class BuildError extends Error {}

function fail(message) {
  throw new BuildError(message)
}

function need(file, hint) {
  if (!existsSync(file)) {
    fail(`${relative(file)} is missing${hint ? ` (${hint})` : ''}`)
  }
  return file
}

// Where the images that GOV.UK Frontend's and MOJ Frontend's Sass refer to come from.
const IMAGE_SOURCES = [
  path.join(nodeModules, 'govuk-frontend', 'dist', 'govuk', 'assets', 'images'),
  path.join(nodeModules, '@ministryofjustice', 'frontend', 'moj', 'assets', 'images')
]

// JavaScript copied as it is published. `map` copies the source map the file points to.
const SCRIPTS = [
  { from: 'govuk-frontend/dist/govuk/govuk-frontend.min.js', map: true },
  { from: '@ministryofjustice/frontend/moj/moj-frontend.min.js', map: true },
  { from: 'htmx.org/dist/htmx.min.js' },
  { from: 'axe-core/axe.min.js' }
]

async function loadSass() {
  try {
    return await import('sass')
  } catch {
    fail('the sass package is not installed: run `npm ci` first')
  }
}

// Sass warnings raised inside GOV.UK or MOJ Frontend while loading them (for example MOJ Frontend
// calling a GOV.UK mixin that GOV.UK has since deprecated) are theirs to fix: count them, do not
// print them. A warning about something assets/ calls is ours, and is printed.
//
// Each stack frame reads "<file> <line>:<column> <where>", innermost first; <where> is the
// function or mixin the location is in, or "@use"/"@forward" for a module being loaded.
function isDependencyWarning(stack) {
  const frames = stack.split('\n').filter(Boolean)
  const firstOurs = frames.findIndex((frame) => !frame.startsWith('node_modules/'))
  if (firstOurs === -1) return true
  if (firstOurs === 0) return false
  const where = frames[firstOurs - 1].split(/\s+/).slice(2).join(' ')
  return where.startsWith('@')
}

function sassLogger() {
  const logger = {
    dependencyWarnings: 0,
    warn(message, { stack = '', span } = {}) {
      if (stack && isDependencyWarning(stack)) {
        logger.dependencyWarnings += 1
        return
      }
      const where = span?.url ? ` (${relative(fileURLToPath(span.url))}:${span.start.line + 1})` : ''
      console.warn(`Sass warning${where}: ${message}${stack ? `\n${stack}` : ''}`)
    }
  }
  return logger
}

async function compileCss() {
  const sass = await loadSass()
  const entry = need(path.join(root, 'assets', 'tessera.scss'))
  const logger = sassLogger()
  let result
  try {
    // The synchronous compiler is about twice as fast as compileAsync.
    result = sass.compile(entry, {
      style: 'compressed',
      // The project root, because MOJ Frontend loads "node_modules/govuk-frontend/…".
      loadPaths: [root],
      quietDeps: true,
      sourceMap: false,
      logger
    })
  } catch (error) {
    fail(`Sass could not compile assets/tessera.scss:\n${error.message}`)
  }
  const css = result.css
  if (/GDS Transport/i.test(css) || /@font-face/.test(css)) {
    fail('tessera.css uses the GDS Transport typeface, which only GOV.UK may use')
  }
  return { css, dependencyWarnings: logger.dependencyWarnings }
}

// Copy every image the CSS refers to, so that no url() in tessera.css is broken.
async function copyReferencedImages(css) {
  const urls = new Set()
  for (const match of css.matchAll(/url\(\s*(['"]?)([^'")]+)\1\s*\)/g)) {
    const url = match[2].trim()
    if (/^(data:|https?:|\/\/|#)/.test(url)) continue
    urls.add(url.split(/[?#]/)[0])
  }
  for (const url of urls) {
    if (!url.startsWith('assets/images/')) {
      fail(`tessera.css refers to ${url}, outside assets/images/: check $moj-assets-path`)
    }
    const name = url.slice('assets/images/'.length)
    const source = IMAGE_SOURCES.map((dir) => path.join(dir, name)).find((file) => existsSync(file))
    if (!source) {
      fail(`tessera.css refers to ${url}, but neither GOV.UK nor MOJ Frontend has ${name}`)
    }
    const target = path.join(outDir, url)
    await mkdir(path.dirname(target), { recursive: true })
    await copyFile(source, target)
  }
  return urls.size
}

async function copyScripts() {
  for (const { from, map } of SCRIPTS) {
    const source = need(path.join(nodeModules, from), 'run `npm ci` first')
    await copyFile(source, path.join(outDir, path.basename(source)))
    if (map) {
      const text = await readFile(source, 'utf8')
      const pointer = text.match(/sourceMappingURL=([^\s*]+)/)
      if (pointer) {
        const mapFile = need(path.join(path.dirname(source), pointer[1]))
        await copyFile(mapFile, path.join(outDir, path.basename(mapFile)))
      }
    }
  }
}

async function main() {
  need(nodeModules, 'run `npm ci` first')
  const { css, dependencyWarnings } = await compileCss()
  // Start from an empty directory so nothing stale is served.
  await rm(outDir, { recursive: true, force: true })
  await mkdir(outDir, { recursive: true })
  await writeFile(path.join(outDir, 'tessera.css'), css)
  const images = await copyReferencedImages(css)
  await copyScripts()
  const seconds = ((performance.now() - started) / 1000).toFixed(1)
  console.log(
    `Built ${relative(outDir)}/: tessera.css (${Math.round(css.length / 1024)} KB), ` +
      `${images} images, ${SCRIPTS.length} scripts in ${seconds} s` +
      (dependencyWarnings ? ` (${dependencyWarnings} Sass warnings from GOV.UK/MOJ Frontend hidden)` : '')
  )
}

try {
  await main()
} catch (error) {
  const message = error instanceof BuildError ? error.message : error.stack || String(error)
  console.error(`build-assets: ${message}`)
  process.exit(1)
}
