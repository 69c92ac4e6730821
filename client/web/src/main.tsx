import '../../sdk/browser.js'; // first: sets up the SDK for the page's policy before any schema is built
import { render } from 'preact';
import { App } from './app.js';
import { prepareCrypto } from '../../sdk/browser.js';
import { app } from './state/app.js';

render(<App />, document.getElementById('app')!);
void app.start();
// The crypto library (WebAssembly, most of the page's weight) comes after the first screen, not before it.
setTimeout(() => void prepareCrypto(), 0);
