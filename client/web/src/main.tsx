import '../../sdk/browser.js'; // first: sets up the SDK for the page's policy before any schema is built
import { render } from 'preact';
import { App } from './app.js';
import { app } from './state/app.js';

render(<App />, document.getElementById('app')!);
void app.start();
