import { render } from 'preact';
import { App } from './app.js';
import { app } from './state/app.js';

render(<App />, document.getElementById('app')!);
void app.start();
